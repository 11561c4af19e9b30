using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Stowage.Server.Tests.Process;

internal enum WriteKind
{
    PutBinary,
    Delete,
    PutHot,
    DeleteHot,
}

/// <summary>One request a writer sent. AckSeq is 0 until a 2xx arrived; the outcome is unknown otherwise.</summary>
internal sealed class WriteOp(WriteKind kind, string key, long version, long sendSeq)
{
    public WriteKind Kind { get; } = kind;

    public string Key { get; } = key;

    /// <summary>The binary value's version, or the hot key's counter.</summary>
    public long Version { get; } = version;

    /// <summary>When the request was sent, on the workload's logical clock.</summary>
    public long SendSeq { get; } = sendSeq;

    /// <summary>When its 2xx arrived, on the same clock; 0 while unacknowledged.</summary>
    public long AckSeq { get; set; }

    public bool Acknowledged => AckSeq != 0;

    public override string ToString() => Kind switch
    {
        WriteKind.Delete or WriteKind.DeleteHot => $"DELETE '{Key}' (sent #{SendSeq}, {Outcome})",
        _ => $"{Kind} '{Key}' v{Version} (sent #{SendSeq}, {Outcome})",
    };

    private string Outcome => Acknowledged ? $"acknowledged #{AckSeq}" : "outcome unknown";
}

/// <summary>
/// A binary key written by exactly one writer, one request at a time, so its expected state
/// is exact: the settled state, or that state with the one in-flight request applied.
/// </summary>
internal sealed class OwnedKey(string key, int writer)
{
    public string Key { get; } = key;

    public int Writer { get; } = writer;

    /// <summary>The version present after the last settled operation; null when absent.</summary>
    public long? Current { get; set; }

    /// <summary>The request in flight when the server went away, if any.</summary>
    public WriteOp? Pending { get; set; }

    public long NextVersion { get; set; } = 1;

    /// <summary>The last acknowledged operation, for failure messages.</summary>
    public WriteOp? LastAcknowledged { get; set; }
}

/// <summary>A STRING key every writer overwrites and every deleter deletes, concurrently; writes carry increasing counters.</summary>
internal sealed class HotKey(string key)
{
    public string Key { get; } = key;

    /// <summary>The counter read back after the previous restart (settled before this cycle's writes).</summary>
    public long? Current { get; set; }

    /// <summary>Every counter ever sent to this key; guarded by <see cref="Gate"/>.</summary>
    public HashSet<long> Written { get; } = [];

    /// <summary>This cycle's writes; guarded by <see cref="Gate"/>.</summary>
    public List<WriteOp> CycleOps { get; } = [];

    public object Gate { get; } = new();
}

/// <summary>Values derived from the run's seed, so a read can be checked byte for byte.</summary>
internal static class DurabilityValues
{
    private static readonly int[] SizeLimits = [16, 1024, 16 * 1024, 64 * 1024];

    /// <summary>1 B – 64 KB of pseudo-random bytes, skewed towards small values like real traffic.</summary>
    public static byte[] Binary(int seed, string key, long version)
    {
        var rng = new Random(DeriveSeed($"{seed}|{key}|{version}"));
        var size = 1 + rng.Next(SizeLimits[rng.Next(SizeLimits.Length)]);
        var bytes = new byte[size];
        rng.NextBytes(bytes);
        return bytes;
    }

    public static string Hot(string key, long counter) =>
        string.Create(CultureInfo.InvariantCulture, $"{key}#{counter:D12}");

    /// <summary>The counter of a hot value, or null when the text is not one this workload writes.</summary>
    public static long? ParseHot(string key, string? value)
    {
        var prefix = key + "#";
        return value is not null
            && value.StartsWith(prefix, StringComparison.Ordinal)
            && value.Length == prefix.Length + 12
            && long.TryParse(value.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var counter)
                ? counter
                : null;
    }

    /// <summary>A stable seed (string.GetHashCode is randomized per process).</summary>
    public static int DeriveSeed(string text) =>
        BinaryPrimitives.ReadInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Spec order for ids: ascending byte-wise UTF-8.</summary>
    public static int CompareUtf8(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
}
