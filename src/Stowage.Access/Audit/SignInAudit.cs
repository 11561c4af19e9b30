namespace Stowage.Access.Audit;

/// <summary>Where a sign-in came from: the API (<c>POST /accounts/login</c>) or the console's form, and the client's address.</summary>
public sealed record SignInSource
{
    public const string ApiChannel = "api";
    public const string ConsoleChannel = "console";

    private SignInSource(string channel, string? clientIp)
    {
        Channel = channel;
        ClientIp = clientIp;
    }

    public string Channel { get; }

    public string? ClientIp { get; }

    public static SignInSource Api(string? clientIp) => new(ApiChannel, clientIp);

    public static SignInSource Console(string? clientIp) => new(ConsoleChannel, clientIp);
}

/// <summary>Why a sign-in was refused, as metrics tag it.</summary>
public static class SignInRefusals
{
    public const string UnknownUser = "unknown_user";
    public const string WrongPassword = "wrong_password";
    public const string Throttled = "throttled";
}

/// <summary>
/// Sign-ins, refused sign-ins and sign-outs in the audit log of the user's organization
/// (object type <see cref="AuditObjectTypes.Session"/>, object id the user's id). A refusal
/// is recorded only for a username that names a user, with that user's stored id and name,
/// never what was typed (it may be the password in the wrong field), and repeats fold into
/// one counting entry; a username that names nobody only moves <see cref="RefusalCounters"/>.
/// No password ever reaches an entry.
/// </summary>
public sealed class SignInAudit(AuditLog log, RefusalCounters refusals)
{
    /// <summary>Queued like an issued token: a sign-in costs no storage write of its own.</summary>
    public Task SignedInAsync(UserRecord user, SignInSource source, CancellationToken cancellationToken) =>
        log.RecordSoonAsync(Actor(user, source), user.OrganizationId, AuditActions.SignIn, AuditObjectTypes.Session, user.Id, Detail(null, source), cancellationToken);

    /// <summary>A refused sign-in: <paramref name="user"/> is whom the username named (null for nobody), the reason one of <see cref="SignInRefusals"/>.</summary>
    public Task RefusedAsync(UserRecord? user, string reason, SignInSource source, CancellationToken cancellationToken)
    {
        refusals.SignInRefused(source, reason, user is not null, source.ClientIp);
        if (user is null)
        {
            return Task.CompletedTask;
        }

        var actor = AuditActor.Unauthenticated(user.Id, user.Username, source.ClientIp);
        var text = reason == SignInRefusals.Throttled ? "throttled" : "wrong password";
        return log.RecordRepeatedAsync(actor, user.OrganizationId, AuditActions.Refuse, AuditObjectTypes.Session, user.Id, Detail(text, source), cancellationToken);
    }

    /// <summary>Durable before it completes, like the revocation it is.</summary>
    public Task SignedOutAsync(UserRecord user, SignInSource source, CancellationToken cancellationToken) =>
        log.RecordAsync(Actor(user, source), user.OrganizationId, AuditActions.SignOut, AuditObjectTypes.Session, user.Id, Detail(null, source), cancellationToken);

    private static AuditActor Actor(UserRecord user, SignInSource source) => new(AuditActor.UserType, user.Id, user.Username, source.ClientIp);

    private static string Detail(string? text, SignInSource source) =>
        text is null ? "channel=" + source.Channel : $"{text} channel={source.Channel}";
}
