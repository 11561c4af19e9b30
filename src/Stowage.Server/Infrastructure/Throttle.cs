using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

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
    private const int KeyHashLength = 16;

    // A request without a peer address (an in-memory host) still counts against one address
    // key, so the per-address limit is never skipped.
    private const string UnknownAddress = "-";

    // Failures waiting to be shared with the other nodes; past this many (the database is
    // unreachable), the oldest are dropped rather than memory growing without end.
    private const int MaxOutbox = 100_000;

    // Indexed by the first byte of a shared key: the order must be the same on every node.
    private readonly ThrottleLimiter[] _limiters;
    private readonly ConcurrentQueue<(byte[] Key, DateTimeOffset At)> _outbox = new();
    private readonly TimeProvider _time;

    public Throttle(ThrottleOptions options, TimeProvider time)
    {
        _time = time;
        _limiters =
        [
            new ThrottleLimiter(options.ClientIdLimit, options.Window, time),
            new ThrottleLimiter(options.AddressLimit, options.Window, time),
            new ThrottleLimiter(options.UsernameLimit, options.Window, time),
            new ThrottleLimiter(options.AddressLimit, options.Window, time),
        ];
        Window = options.Window;
    }

    public TimeSpan Window { get; }

    /// <summary>
    /// True when the storage is shared by several nodes (<see cref="ThrottleSharing"/> runs):
    /// each failure recorded here is then also queued for the other nodes.
    /// </summary>
    public bool Shares { get; set; }

    /// <summary>
    /// The verdict for a request from <paramref name="address"/> naming <paramref name="subject"/>
    /// (null when it named none: only the address counts then).
    /// </summary>
    public ThrottleVerdict Check(ThrottleKind kind, string? subject, string? address)
    {
        var (pairs, addresses) = Indexes(kind);
        var at = address ?? UnknownAddress;
        return Combine(
            PairKey(kind, subject, at) is { } pair ? _limiters[pairs].Peek(Hex(pair)) : null,
            _limiters[addresses].Peek(Hex(AddressKey(at))),
            _limiters[pairs].Limit);
    }

    /// <summary>Counts one failure against (subject, address) and against the address; returns the verdict after it.</summary>
    public ThrottleVerdict RecordFailure(ThrottleKind kind, string? subject, string? address)
    {
        var (pairs, addresses) = Indexes(kind);
        var at = address ?? UnknownAddress;
        var pair = PairKey(kind, subject, at);
        var addressKey = AddressKey(at);
        var verdict = Combine(
            pair is not null ? _limiters[pairs].RecordFailure(Hex(pair)) : null,
            _limiters[addresses].RecordFailure(Hex(addressKey)),
            _limiters[pairs].Limit);
        if (Shares)
        {
            var now = _time.GetUtcNow();
            if (pair is not null)
            {
                Share(pairs, pair, now);
            }

            Share(addresses, addressKey, now);
        }

        return verdict;
    }

    /// <summary>Takes the failures recorded here since the last call, for the other nodes.</summary>
    public IReadOnlyList<(byte[] Key, DateTimeOffset At)> TakeShared()
    {
        var taken = new List<(byte[], DateTimeOffset)>();
        while (taken.Count < MaxOutbox && _outbox.TryDequeue(out var failure))
        {
            taken.Add(failure);
        }

        return taken;
    }

    /// <summary>Counts a failure another node recorded (a key from its <see cref="TakeShared"/>).</summary>
    public void ApplyShared(byte[] key, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 1 + KeyHashLength && key[0] < _limiters.Length)
        {
            _limiters[key[0]].RecordRemote(Convert.ToHexString(key, 1, KeyHashLength), at);
        }
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

    private static (int Pairs, int Addresses) Indexes(ThrottleKind kind) => kind switch
    {
        ThrottleKind.OAuthClient => (0, 1),
        ThrottleKind.Login => (2, 3),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private void Share(int limiter, byte[] hash, DateTimeOffset at)
    {
        var key = new byte[1 + KeyHashLength];
        key[0] = (byte)limiter;
        hash.CopyTo(key, 1);
        _outbox.Enqueue((key, at));
        while (_outbox.Count > MaxOutbox && _outbox.TryDequeue(out _))
        {
        }
    }

    // Counters are keyed by a hash: what a client presents as a username may be a mistyped
    // password, and keys are shared with other nodes through the database. Usernames are
    // matched case-insensitively at sign-in, so "Admin" and "admin" share a counter; an
    // over-long subject is cut first. The address follows a character no address contains.
    private static byte[]? PairKey(ThrottleKind kind, string? subject, string address)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var key = subject.Length > MaxSubjectLength ? subject[..MaxSubjectLength] : subject;
        return Hash(string.Concat(kind == ThrottleKind.Login ? key.ToUpperInvariant() : key, "\n", address));
    }

    private static byte[] AddressKey(string address) => Hash(address);

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key))[..KeyHashLength];

    private static string Hex(byte[] hash) => Convert.ToHexString(hash);

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
