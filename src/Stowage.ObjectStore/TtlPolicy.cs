namespace Stowage.ObjectStore;

/// <summary>
/// TTL rules of object-store-api.md: TTLs live in 1…2 592 000 s and anything outside is
/// clamped to the maximum; static entries expire at write + TTL, rolling ones at the last
/// write or extending read + TTL, where a read extends only once less than a quarter remains.
/// </summary>
public static class TtlPolicy
{
    public const long MaxTtlSeconds = 2_592_000;

    public static long Clamp(long seconds) => seconds is <= 0 or > MaxTtlSeconds ? MaxTtlSeconds : seconds;

    public static Expiry ForWrite(StoreSettings settings, long? perKeyTtlSeconds, DateTimeOffset now)
    {
        var isFixed = settings.IsFixedTtl || perKeyTtlSeconds.HasValue;
        var ttlSeconds = Clamp(perKeyTtlSeconds ?? settings.DefaultTtlSeconds);
        var ttlMillis = ttlSeconds * 1000;
        return new Expiry(WholeMillis(now).AddMilliseconds(ttlMillis), ttlMillis, isFixed);
    }

    /// <summary>When a confirmable write stored at <paramref name="now"/> is discarded unless confirmed: after the store's confirmation TTL (at least a second).</summary>
    public static DateTimeOffset PendingDiscardAt(StoreSettings settings, DateTimeOffset now) =>
        WholeMillis(now).AddSeconds(Math.Max(1, settings.DefaultConfirmationTtlSeconds));

    /// <summary>The new expiry a read should set, or null when the read must not extend it.</summary>
    public static DateTimeOffset? ExtensionOnRead(Expiry expiry, DateTimeOffset now)
    {
        if (expiry.IsFixed)
        {
            return null;
        }

        var remaining = (expiry.ExpiresAt - now).TotalMilliseconds;
        return remaining < expiry.TtlMillis / 4.0 ? WholeMillis(now).AddMilliseconds(expiry.TtlMillis) : null;
    }

    // Expiries have millisecond resolution (that is what backends store), so the expiry a
    // write or read reports equals the one a later read returns.
    private static DateTimeOffset WholeMillis(DateTimeOffset time) => time.AddTicks(-(time.UtcTicks % TimeSpan.TicksPerMillisecond));
}
