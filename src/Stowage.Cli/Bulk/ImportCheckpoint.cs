using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Stowage.Cli.Config;

namespace Stowage.Cli.Bulk;

/// <summary>
/// How far an import of one file into one store got: every line before <see cref="Offset"/>
/// is written, with the counts of what happened to them. Kept in the config directory's
/// <c>imports/</c> while the import runs, deleted when it finishes, read by <c>--resume</c>.
/// </summary>
public sealed class ImportCheckpoint
{
    public string File { get; set; } = "";

    public string Store { get; set; } = "";

    public string OrganizationId { get; set; } = "";

    public string EnvironmentId { get; set; } = "";

    /// <summary>SHA-256 of the header line: another export under the same name is not resumed.</summary>
    public string HeaderHash { get; set; } = "";

    public long FileLength { get; set; }

    public long Offset { get; set; }

    public TransferCounts Counts { get; set; } = new();

    public DateTimeOffset UpdatedAt { get; set; }

    public static string HashOf(ReadOnlySpan<byte> headerLine) => Convert.ToHexStringLower(SHA256.HashData(headerLine));

    /// <summary>The checkpoint file of importing <paramref name="file"/> into one store of one environment.</summary>
    public static string PathFor(string configDirectory, string file, string organizationId, string environmentId, string store)
    {
        var identity = string.Join('\0', Path.GetFullPath(file), organizationId, environmentId, store);
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..24];
        return Path.Combine(configDirectory, "imports", name + ".json");
    }

    public static ImportCheckpoint? Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(System.IO.File.ReadAllBytes(path), CliJsonContext.Default.ImportCheckpoint);
        }
        catch (JsonException)
        {
            // A checkpoint torn by a crash is as good as none: the import starts over, which is safe.
            return null;
        }
    }

    public void Save(string path)
    {
        ConfigFile.EnsureDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, this, CliJsonContext.Default.ImportCheckpoint);
        }

        System.IO.File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>What happened to the keys of a transfer.</summary>
public sealed class TransferCounts
{
    /// <summary>Keys written (created or overwritten).</summary>
    public long Written { get; set; }

    /// <summary>Keys left alone because they existed (<c>--on-conflict skip</c>).</summary>
    public long Skipped { get; set; }

    /// <summary>Keys that existed with the same value (<c>--on-conflict fail</c>, or a resumed import re-sending a line).</summary>
    public long Unchanged { get; set; }

    /// <summary>Keys whose exported expiry had passed: not written.</summary>
    public long Expired { get; set; }

    public long Total => Written + Skipped + Unchanged + Expired;

    public TransferCounts Copy() => new() { Written = Written, Skipped = Skipped, Unchanged = Unchanged, Expired = Expired };

    public void Add(Outcome outcome)
    {
        switch (outcome)
        {
            case Outcome.Written:
                Written++;
                break;
            case Outcome.Skipped:
                Skipped++;
                break;
            case Outcome.Unchanged:
                Unchanged++;
                break;
            case Outcome.Expired:
                Expired++;
                break;
        }
    }
}

public enum Outcome
{
    Written,
    Skipped,
    Unchanged,
    Expired,
}

/// <summary>
/// Lines finish out of order under concurrency; this tracks the watermark: the first line not
/// yet finished, with the offset where the finished run before it ends and the counts of
/// that run. Holds at most the lines in flight.
/// </summary>
public sealed class CompletionTracker(long firstSequence, long startOffset, TransferCounts counts)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, (long EndOffset, Outcome Outcome)> _finished = [];
    private long _next = firstSequence;
    private long _offset = startOffset;

    public void Complete(long sequence, long endOffset, Outcome outcome)
    {
        lock (_gate)
        {
            _finished[sequence] = (endOffset, outcome);
            while (_finished.Remove(_next, out var done))
            {
                _offset = done.EndOffset;
                counts.Add(done.Outcome);
                _next++;
            }
        }
    }

    /// <summary>A consistent snapshot: the offset every line before which is done, and their counts.</summary>
    public (long Offset, TransferCounts Counts) Snapshot()
    {
        lock (_gate)
        {
            return (_offset, counts.Copy());
        }
    }
}
