namespace Stowage.ObjectStore;

/// <summary>
/// A page of values (<c>GET …/values</c>) is bounded by bytes as well as by count: with values of
/// up to 10 MB, 1000 of them would be gigabytes held by one request. A page ends before the value
/// that would take it past <see cref="MaxBytes"/> of stored value bytes (its next page starts
/// there), and always holds at least one value so that paging progresses.
/// </summary>
public static class ValuePages
{
    /// <summary>Stored value bytes per page (ciphertext for encrypted stores): 4 MiB.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>
    /// How many of the next values, given their stored sizes in key order, one page takes: at
    /// most <paramref name="limit"/>, and no more than <paramref name="maxBytes"/> in total
    /// unless the first value alone is larger.
    /// </summary>
    public static int Fit(IReadOnlyList<long> sizes, int limit, long maxBytes = MaxBytes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var count = 0;
        long total = 0;
        foreach (var size in sizes)
        {
            if (!Takes(count, total, size, limit, maxBytes))
            {
                break;
            }

            total += size;
            count++;
        }

        return count;
    }

    /// <summary>
    /// Whether a page that already holds <paramref name="count"/> values of
    /// <paramref name="total"/> stored bytes takes the next one, of <paramref name="size"/> bytes:
    /// the rule of <see cref="Fit"/> for a reader that meets the sizes one at a time.
    /// </summary>
    public static bool Takes(int count, long total, long size, int limit, long maxBytes = MaxBytes) =>
        count < limit && (count == 0 || total + size <= maxBytes);
}
