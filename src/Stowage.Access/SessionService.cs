using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Stowage.Access.Audit;
using Stowage.Core.Errors;

namespace Stowage.Access;

public sealed record LoginResult(string AccessToken, TimeSpan ExpiresIn, UserRecord User);

/// <summary>
/// User sign-in and the validation of user tokens. Tokens are 256 random bits shown to the
/// client once; only their SHA-256 hash is stored. A validated token is cached for up to
/// <see cref="RecheckInterval"/>, so a steady stream of requests costs one lookup per
/// second per token while logout or revocation on any node takes effect within that bound.
/// Sign-ins, refusals and sign-outs go to the audit log through <see cref="SignInAudit"/>.
/// </summary>
public sealed class SessionService(
    ISessionRepository sessions,
    IUserRepository users,
    OrganizationDirectory directory,
    TimeProvider time,
    TimeSpan tokenLifetime,
    SignInAudit audit,
    PasswordHasher passwords)
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);
    private const int MaxCachedTokens = 100_000;
    private const int MaxUsernameLength = 256;

    private readonly ConcurrentDictionary<string, CachedCaller> _cache = new(StringComparer.Ordinal);

    public async Task<Result<LoginResult>> LoginAsync(string username, string password, SignInSource source, CancellationToken cancellationToken)
    {
        var user = await users.FindByUsernameAsync(username, cancellationToken);

        // Unknown users cost the same hash as known ones, so timing does not reveal usernames;
        // the audit of either refusal is queued, not written, for the same reason.
        var valid = passwords.Verify(password, user?.PasswordHash) && user is not null;
        if (!valid)
        {
            await audit.RefusedAsync(user, user is null ? SignInRefusals.UnknownUser : SignInRefusals.WrongPassword, source, cancellationToken);
            return Result<LoginResult>.Fail(ErrorCodes.InvalidCredentials, "The username or password is not correct.");
        }

        var token = Base64UrlToken();
        await sessions.CreateAsync(new SessionRecord(HashToken(token), user!.Id, time.GetUtcNow() + tokenLifetime, false), cancellationToken);
        await audit.SignedInAsync(user, source, cancellationToken);
        return new LoginResult(token, tokenLifetime, user);
    }

    /// <summary>Records a sign-in the throttle refused before any password was looked at; <paramref name="username"/> is what was typed.</summary>
    public async Task RecordThrottledAsync(string? username, SignInSource source, CancellationToken cancellationToken)
    {
        var user = string.IsNullOrEmpty(username) || username.Length > MaxUsernameLength
            ? null
            : await users.FindByUsernameAsync(username, cancellationToken);
        await audit.RefusedAsync(user, SignInRefusals.Throttled, source, cancellationToken);
    }

    /// <summary>Ends the session of <paramref name="token"/>; a sign-out is recorded when it was live.</summary>
    public async Task LogoutAsync(string token, SignInSource source, CancellationToken cancellationToken)
    {
        var hash = HashToken(token);
        _cache.TryRemove(hash, out _);
        var session = await sessions.FindAsync(hash, cancellationToken);
        await sessions.RevokeAsync(hash, cancellationToken);
        if (session is { Revoked: false } && session.ExpiresAt > time.GetUtcNow()
            && await users.GetAsync(session.UserId, cancellationToken) is { } user)
        {
            await audit.SignedOutAsync(user, source, cancellationToken);
        }
    }

    /// <summary>The caller a token stands for, or null when it is unknown, expired or revoked.</summary>
    public async ValueTask<Caller?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hash = HashToken(token);
        if (_cache.TryGetValue(hash, out var cached) && now - cached.CheckedAt < RecheckInterval)
        {
            return now < cached.ExpiresAt ? cached.Caller : null;
        }

        var session = await sessions.FindAsync(hash, cancellationToken);
        if (session is null || session.Revoked || session.ExpiresAt <= now
            || await users.GetAsync(session.UserId, cancellationToken) is not { } user)
        {
            _cache.TryRemove(hash, out _);
            return null;
        }

        var snapshot = await directory.GetAsync(cancellationToken);
        var caller = new Caller(CallerKind.User, user.Id, user.Username, snapshot.WithDescendants(user.AdminOf), []);
        if (_cache.Count >= MaxCachedTokens)
        {
            _cache.Clear();
        }

        _cache[hash] = new CachedCaller(caller, session.ExpiresAt, now);
        return caller;
    }

    /// <summary>
    /// Drops cached validations for a user id or a session hash (a change read from the access
    /// change feed), so the next request with such a token is checked against the database.
    /// </summary>
    public void Evict(string subject)
    {
        _cache.TryRemove(subject, out _);
        foreach (var (hash, cached) in _cache)
        {
            if (cached.Caller.SubjectId == subject)
            {
                _cache.TryRemove(hash, out _);
            }
        }
    }

    public void EvictAll() => _cache.Clear();

    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64UrlToken() =>
        System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private sealed record CachedCaller(Caller Caller, DateTimeOffset ExpiresAt, DateTimeOffset CheckedAt);
}
