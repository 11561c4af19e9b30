using System.Globalization;

namespace Stowage.Server.Infrastructure;

/// <summary>What is being authenticated: each kind has its own counters.</summary>
public enum ThrottleKind
{
    /// <summary>Client authentication at the OAuth endpoints; the subject is the client id.</summary>
    OAuthClient,

    /// <summary><c>POST /accounts/login</c>; the subject is the username.</summary>
    Login,
}

/// <summary>The verdict for one request: blocked or not, and the tightest of its keys' states.</summary>
public readonly record struct ThrottleVerdict(bool IsBlocked, ThrottleState State);

/// <summary>
/// Throttling of failed authentications (see <see cref="ThrottleOptions"/>), counted per
/// (subject, client address) and per client address, never per subject alone: client ids and
/// usernames are not secret, so a counter of their own would let anyone lock the real app or
/// user out from anywhere. Failures from one address therefore never refuse correct
/// credentials sent from another. Check before authenticating, record after a failure; a
/// success records nothing. Answers carry <c>X-RateLimit-Limit</c>,
/// <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> (seconds), and a refusal 429
/// with <c>Retry-After</c>.
/// </summary>
public sealed class Throttle
{
    private const int MaxSubjectLength = 256;

    // A request without a peer address (an in-memory host) still counts against one address
    // key, so the per-address limit is never skipped.
    private const string UnknownAddress = "-";

    private readonly ThrottleLimiter _clientPairs;
    private readonly ThrottleLimiter _clientAddresses;
    private readonly ThrottleLimiter _userPairs;
    private readonly ThrottleLimiter _loginAddresses;

    public Throttle(ThrottleOptions options, TimeProvider time)
    {
        _clientPairs = new ThrottleLimiter(options.ClientIdLimit, options.Window, time);
        _clientAddresses = new ThrottleLimiter(options.AddressLimit, options.Window, time);
        _userPairs = new ThrottleLimiter(options.UsernameLimit, options.Window, time);
        _loginAddresses = new ThrottleLimiter(options.AddressLimit, options.Window, time);
    }

    /// <summary>
    /// The verdict for a request from <paramref name="address"/> naming <paramref name="subject"/>
    /// (null when it named none: only the address counts then).
    /// </summary>
    public ThrottleVerdict Check(ThrottleKind kind, string? subject, string? address)
    {
        var (pairs, addresses) = Limiters(kind);
        var at = address ?? UnknownAddress;
        return Combine(
            PairKey(kind, subject, at) is { } pair ? pairs.Peek(pair) : null,
            addresses.Peek(at),
            pairs.Limit);
    }

    /// <summary>Counts one failure against (subject, address) and against the address; returns the verdict after it.</summary>
    public ThrottleVerdict RecordFailure(ThrottleKind kind, string? subject, string? address)
    {
        var (pairs, addresses) = Limiters(kind);
        var at = address ?? UnknownAddress;
        return Combine(
            PairKey(kind, subject, at) is { } pair ? pairs.RecordFailure(pair) : null,
            addresses.RecordFailure(at),
            pairs.Limit);
    }

    /// <summary>
    /// The address failures are counted against: the connection's peer, or the address a
    /// configured trusted proxy forwarded (the forwarded-headers middleware sets it; see
    /// <c>Stowage:TrustedProxies</c>).
    /// </summary>
    public static string? ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    public static void WriteHeaders(HttpResponse response, ThrottleState state)
    {
        response.Headers["X-RateLimit-Limit"] = state.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Remaining"] = state.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset"] = (state.ResetAfter > TimeSpan.Zero ? Seconds(state.ResetAfter) : 0).ToString(CultureInfo.InvariantCulture);
        if (state.IsBlocked)
        {
            response.Headers.RetryAfter = Seconds(state.ResetAfter).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Whole seconds, rounded up, and at least 1 while blocked: "retry after 0" invites a busy loop.</summary>
    public static long Seconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalSeconds));

    private (ThrottleLimiter Pairs, ThrottleLimiter Addresses) Limiters(ThrottleKind kind) => kind switch
    {
        ThrottleKind.OAuthClient => (_clientPairs, _clientAddresses),
        ThrottleKind.Login => (_userPairs, _loginAddresses),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    // Usernames are matched case-insensitively at sign-in, so "Admin" and "admin" share a
    // counter; an over-long subject is cut rather than stored whole. The address follows a
    // character no address contains.
    private static string? PairKey(ThrottleKind kind, string? subject, string address)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var key = subject.Length > MaxSubjectLength ? subject[..MaxSubjectLength] : subject;
        return string.Concat(kind == ThrottleKind.Login ? key.ToUpperInvariant() : key, "\n", address);
    }

    private static ThrottleVerdict Combine(ThrottleState? subject, ThrottleState? address, int defaultLimit)
    {
        ThrottleState? tightest = (subject, address) switch
        {
            (null, null) => null,
            ({ } s, null) => s,
            (null, { } a) => a,
            ({ } s, { } a) when s.IsBlocked && a.IsBlocked => s.ResetAfter >= a.ResetAfter ? s : a,
            ({ } s, { } a) when s.IsBlocked != a.IsBlocked => s.IsBlocked ? s : a,
            ({ } s, { } a) => s.Remaining <= a.Remaining ? s : a,
        };
        var state = tightest ?? new ThrottleState(defaultLimit, defaultLimit, TimeSpan.Zero);
        return new ThrottleVerdict(state.IsBlocked, state);
    }
}
