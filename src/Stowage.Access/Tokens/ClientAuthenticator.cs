using System.Security.Cryptography;
using Stowage.Access.Apps;

namespace Stowage.Access.Tokens;

/// <summary>Why a client's credentials were, or were not, accepted.</summary>
public enum ClientAuthenticationStatus
{
    Authenticated,
    UnknownClient,
    NoSecret,
    WrongSecret,

    /// <summary>The stored secret does not decrypt with this node's data key (another node's key, a damaged row).</summary>
    SecretUndecryptable,
}

/// <summary>The outcome of <see cref="ClientAuthenticator.AuthenticateAsync"/>; <see cref="State"/> is set when the app exists.</summary>
public readonly record struct ClientAuthentication(ClientAuthenticationStatus Status, AppState? State)
{
    public bool Succeeded => Status == ClientAuthenticationStatus.Authenticated;

    /// <summary>The app the client id names, whether or not the secret matched.</summary>
    public ConnectedApp? App => State?.App;
}

/// <summary>
/// Checks a client id and secret from memory. The app comes from <see cref="AppStateCache"/>
/// (kept current by the access change feed, and evicted at once by this node's own app
/// changes); its stored secret is decrypted once per cached state and only its SHA-256 kept,
/// so a steady stream of token requests costs neither a database read nor a decryption.
/// While the feed is behind, the state is read again on every request (fail closed), as the
/// data plane does. Whether the app is enabled is left to the caller: a disabled app's
/// correct secret still identifies it, for the audit log.
/// </summary>
public sealed class ClientAuthenticator(AppStateCache apps, AccessChangeFollower follower, ISecretProtector secrets)
{
    public async ValueTask<ClientAuthentication> AuthenticateAsync(string clientId, string? secret, CancellationToken cancellationToken)
    {
        // Client ids here are whatever the caller sent: an unknown one is looked up, never kept.
        var state = await apps.GetAsync(clientId, reload: !follower.IsFresh, keepIfMissing: false, cancellationToken);
        if (state.App is not { } app)
        {
            return new ClientAuthentication(ClientAuthenticationStatus.UnknownClient, null);
        }

        if (string.IsNullOrEmpty(secret))
        {
            return new ClientAuthentication(ClientAuthenticationStatus.NoSecret, state);
        }

        var expected = state.SecretDigest;
        if (expected is null)
        {
            expected = StoredSecretDigest(app);
            state.SecretDigest = expected;
        }

        if (expected.Length == 0)
        {
            return new ClientAuthentication(ClientAuthenticationStatus.SecretUndecryptable, state);
        }

        return new ClientAuthentication(
            ClientSecrets.Matches(secret, expected) ? ClientAuthenticationStatus.Authenticated : ClientAuthenticationStatus.WrongSecret,
            state);
    }

    private byte[] StoredSecretDigest(ConnectedApp app)
    {
        try
        {
            return ClientSecrets.Digest(secrets.Unprotect(app.SecretCiphertext, app.ClientId));
        }
        catch (CryptographicException)
        {
            // Remembered with the state: an app whose secret cannot be read here fails every
            // attempt, without a decryption per attempt.
            return [];
        }
    }
}
