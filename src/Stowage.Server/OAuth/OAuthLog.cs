namespace Stowage.Server.OAuth;

/// <summary>
/// The OAuth side's log events (3000–3099). None carries a secret or a token: client ids,
/// token ids (jti) and key ids only.
/// </summary>
internal static partial class OAuthLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Reading the access change log failed; token checks read app state from the database until it succeeds")]
    public static partial void ChangeFeedFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Reading the access change log works again")]
    public static partial void ChangeFeedRecovered(ILogger logger);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "The stored secret of client {ClientId} cannot be decrypted with this node's data key")]
    public static partial void SecretUndecryptable(ILogger logger, string clientId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Recording a refused {Endpoint} request in the audit log failed")]
    public static partial void AuditFailed(ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Token signing key {KeyId} loaded")]
    public static partial void SigningKeyLoaded(ILogger logger, string keyId);
}
