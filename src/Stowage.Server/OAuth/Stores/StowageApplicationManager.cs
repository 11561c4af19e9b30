using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using Stowage.Access.Tokens;

namespace Stowage.Server.OAuth.Stores;

/// <summary>
/// OpenIddict's application manager with one change, through its documented extension point:
/// a client secret is checked by <see cref="ClientAuthenticator"/> (the app's cached state, a
/// SHA-256 of the decrypted secret, a constant-time comparison) instead of a PBKDF2 hash of
/// the stored value. Secrets are 128 random bits or at least 32 caller-chosen characters, and
/// must be shown again to administrators, so they are encrypted at rest, not hashed. Its cache
/// keeps nothing (entity caching is off; see <see cref="UncachedApplications"/>).
/// </summary>
public sealed class StowageApplicationManager(
    ILogger<OpenIddictApplicationManager<OAuthApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OAuthApplication> store,
    ClientAuthenticator authenticator)
    : OpenIddictApplicationManager<OAuthApplication>(new UncachedApplications(store), logger, options, store)
{
    public override async ValueTask<bool> ValidateClientSecretAsync(OAuthApplication application, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        var result = await authenticator.AuthenticateAsync(application.App.ClientId, secret, cancellationToken);
        return result.Succeeded;
    }

    /// <summary>Never called (apps are not created through OpenIddict); refuses rather than hash.</summary>
    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Client secrets are encrypted by the Access Management service, not hashed by OpenIddict.");
}
