using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Access.Tokens;
using Stowage.Server.Hosting;
using Stowage.Server.OAuth.Handlers;

namespace Stowage.Server.OAuth;

/// <summary>The caller a live access token stands for, and the app it was issued to.</summary>
public sealed record ValidatedToken(Caller Caller, ConnectedApp App);

/// <summary>
/// Validates an access token issued by the token endpoint on the data plane without a database
/// round trip: the ES256 signature with the persisted key, the type, the audience, the issuer
/// and the lifetime locally, then the live state from memory: <see cref="AppTokenGate"/> for a
/// connected app's own token, <see cref="DelegatedTokenGate"/> for one issued on behalf of a
/// user (it names the user's authorization). A token whose signature was checked once is
/// remembered, so steady traffic with one token costs a dictionary lookup.
/// </summary>
public sealed class AppTokenValidator
{
    // Enough for every app's current token many times over; past it the memo starts over.
    private const int MaxRemembered = 10_000;

    // Host names the server is reached by; the Host header is the client's, so this is bounded too.
    private const int MaxIssuers = 64;

    // Only for "not before": a node whose clock runs behind the issuing node's still accepts a
    // fresh token. Expiry gets no slack.
    private static readonly TimeSpan NotBeforeSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters _parameters;
    private readonly ConcurrentDictionary<string, TokenFacts> _checked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenFacts>.AlternateLookup<ReadOnlySpan<char>> _checkedBySpan;
    private readonly ConcurrentDictionary<(string Scheme, string Host, string PathBase), string> _issuers = new();
    private readonly AppTokenGate _gate;
    private readonly DelegatedTokenGate _delegated;
    private readonly IAccessChangeFeed _feed;
    private readonly RevokedTokenSet _revoked;
    private readonly TimeProvider _time;
    private readonly string? _configuredIssuer;

    public AppTokenValidator(OAuthKeys keys, AppTokenGate gate, DelegatedTokenGate delegated, IAccessChangeFeed feed, RevokedTokenSet revoked, TimeProvider time, StowageOptions options)
    {
        _checkedBySpan = _checked.GetAlternateLookup<ReadOnlySpan<char>>();
        _gate = gate;
        _delegated = delegated;
        _feed = feed;
        _revoked = revoked;
        _time = time;
        _configuredIssuer = options.PublicBaseUrl is { } url ? OAuthIssuer.From(url).AbsoluteUri : null;
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKey = keys.SigningKey,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = ["at+jwt"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,

            ValidAudience = SignInClient.Audience,

            // Checked below, per request: the issuer depends on the request when no public
            // base URL is set, and the lifetime must be checked on every use of a remembered token.
            ValidateIssuer = false,
            ValidateLifetime = false,
        };
    }

    /// <summary>
    /// The caller a live token stands for, or null when the token is not (or no longer) good.
    /// The token may be a slice of the Authorization header: a remembered token is looked up
    /// without a copy.
    /// </summary>
    public async ValueTask<ValidatedToken?> ValidateAsync(ReadOnlyMemory<char> token, HttpRequest request, CancellationToken cancellationToken)
    {
        if (!_checkedBySpan.TryGetValue(token.Span, out var facts))
        {
            var text = token.ToString();
            facts = await ReadAsync(text);
            if (facts is null)
            {
                return null;
            }

            if (_checked.Count >= MaxRemembered)
            {
                _checked.Clear();
            }

            _checked[text] = facts;
        }

        var now = _time.GetUtcNow();
        if (now >= facts.ExpiresAt || facts.NotBefore > now + NotBeforeSkew
            || !string.Equals(facts.Issuer, _configuredIssuer ?? IssuerOf(request), StringComparison.Ordinal))
        {
            return null;
        }

        if (facts.AuthorizationId is { } authorizationId)
        {
            var delegated = await _delegated.CheckAsync(
                facts.ClientId, facts.TokenId, facts.CredentialVersion, authorizationId, facts.TokenEntryId, facts.Subject, facts.Scope, cancellationToken);
            return delegated is { IsActive: true, Caller: { } user, State.App: { } delegatedApp } ? new ValidatedToken(user, delegatedApp) : null;
        }

        var check = await _gate.CheckAsync(facts.ClientId, facts.TokenId, facts.CredentialVersion, cancellationToken);
        return check is { IsActive: true, State: { App: { } app } state } ? new ValidatedToken(state.Caller, app) : null;
    }

    /// <summary>
    /// Ends an app token on every node (POST /accounts/api/logout with an app token): the
    /// same revocation as the RFC 7009 endpoint. The token was validated by the caller.
    /// Returns the revoked token's id (jti), for the audit log; null when it could not be read.
    /// </summary>
    public async Task<string?> RevokeAsync(string token, CancellationToken cancellationToken)
    {
        if ((_checked.TryGetValue(token, out var facts) ? facts : await ReadAsync(token)) is not { } known)
        {
            return null;
        }

        await _feed.RevokeTokenAsync(known.TokenId, known.ExpiresAt, cancellationToken);
        _revoked.Add(known.TokenId, known.ExpiresAt);
        return known.TokenId;
    }

    /// <summary>The issuer OpenIddict uses for this request when none is configured: its origin and path base.</summary>
    public static string RequestIssuer(HttpRequest request) =>
        OAuthIssuer.From(new Uri(UriHelper.BuildAbsolute(request.Scheme, request.Host.HasValue ? request.Host : new HostString("localhost"), request.PathBase))).AbsoluteUri;

    /// <summary><see cref="RequestIssuer"/>, remembered per scheme, host and path base: building and parsing a URI per request is not free.</summary>
    private string IssuerOf(HttpRequest request)
    {
        var key = (request.Scheme, request.Host.Value ?? string.Empty, request.PathBase.Value ?? string.Empty);
        if (_issuers.TryGetValue(key, out var issuer))
        {
            return issuer;
        }

        issuer = RequestIssuer(request);
        if (_issuers.Count >= MaxIssuers)
        {
            _issuers.Clear();
        }

        _issuers[key] = issuer;
        return issuer;
    }

    private async Task<TokenFacts?> ReadAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }

        return jwt.TryGetPayloadValue<string>("client_id", out var clientId) && !string.IsNullOrEmpty(clientId)
            && !string.IsNullOrEmpty(jwt.Id)
            && jwt.TryGetPayloadValue<string>(SignInClient.CredentialVersionClaim, out var sv)
            && int.TryParse(sv, NumberStyles.None, CultureInfo.InvariantCulture, out var secretVersion)
            && jwt.ValidTo > DateTime.MinValue
                ? new TokenFacts(
                    clientId, jwt.Id, secretVersion, jwt.Issuer, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), new DateTimeOffset(jwt.ValidFrom, TimeSpan.Zero),
                    jwt.Subject ?? string.Empty,
                    jwt.TryGetPayloadValue<string>(AuthorizationIdClaim, out var authorizationId) && !string.IsNullOrEmpty(authorizationId) ? authorizationId : null,
                    jwt.TryGetPayloadValue<string>("scope", out var scope) ? scope : string.Empty,
                    jwt.TryGetPayloadValue<string>(TokenEntryIdClaim, out var entryId) && !string.IsNullOrEmpty(entryId) ? entryId : null)
                : null;
    }

    /// <summary>OpenIddict's claim naming the authorization a token was issued under (tokens issued on behalf of a user only).</summary>
    internal const string AuthorizationIdClaim = OpenIddict.Abstractions.OpenIddictConstants.Claims.Private.AuthorizationId;

    /// <summary>OpenIddict's claim naming a token's entry, when it has one.</summary>
    internal const string TokenEntryIdClaim = OpenIddict.Abstractions.OpenIddictConstants.Claims.Private.TokenId;

    private sealed record TokenFacts(
        string ClientId, string TokenId, int CredentialVersion, string Issuer, DateTimeOffset ExpiresAt, DateTimeOffset NotBefore,
        string Subject, string? AuthorizationId, string Scope, string? TokenEntryId);
}

/// <summary>Issuer URIs end in '/', so endpoint paths resolve under them, not beside them.</summary>
internal static class OAuthIssuer
{
    public static Uri From(Uri baseUri) =>
        baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
}
