using System.CommandLine;
using System.Globalization;
using Stowage.Cli.Bulk;
using Stowage.Cli.Infrastructure;

namespace Stowage.Cli.Commands;

/// <summary><c>export</c>, <c>import</c> and <c>copy</c>, in the JSON Lines format of cli.md.</summary>
public static partial class BulkCommands
{
    private static readonly Argument<string> Store = new("STORE") { Description = "The store id" };
    private static readonly Argument<string> File = new("FILE") { Description = "An export file, or - for standard input" };
    private static readonly Option<string?> Partition = new("--partition") { Description = "Only this partition" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Write to this file [default: standard output]", HelpName = "FILE" };
    private static readonly Option<string?> TargetStore = new("--store") { Description = "Import into this store [default: the exported store's id]" };
    private static readonly Option<string> OnConflict = Choice(
        "--on-conflict", "For keys that exist: overwrite, skip, or fail (unless the value is the same)", "overwrite", "skip", "fail");

    private static readonly Option<bool> Resume = new("--resume") { Description = "Continue an interrupted import of the same file where it stopped" };
    private static readonly Option<int> Concurrency = new("--concurrency")
    {
        Description = "Writes in flight at once, 1 to 64",
        DefaultValueFactory = _ => 64,
    };

    private static readonly Option<double?> Rate = new("--rate") { Description = "At most this many keys per second (be gentle with a busy server)", HelpName = "KEYS" };
    private static readonly Option<bool> UseStoreTtl = new("--use-store-ttl")
    {
        Description = "Give keys the target store's TTL instead of keeping their exported expiry",
    };

    private static readonly Option<string?> ToProfile = new("--to-profile") { Description = "Copy to the server and session of this profile [default: the same]", HelpName = "NAME" };
    private static readonly Option<string?> ToOrg = new("--to-org") { Description = "Target organization [default: the target profile's]", HelpName = "ORG" };
    private static readonly Option<string?> ToEnv = new("--to-env") { Description = "Target environment [default: the target profile's]", HelpName = "ENV" };
    private static readonly Option<string?> ToStore = new("--to-store") { Description = "Target store [default: the same id]", HelpName = "STORE" };

    public static Command Export() =>
        new Command("export", "Write a store (or one partition) as JSON Lines, streaming") { Store, Partition, Out }.Handle(ExportAsync);

    public static Command Import() =>
        new Command("import", "Write an export into a store (created if missing); idempotent and resumable")
        {
            File, TargetStore, OnConflict, Resume, Concurrency, Rate, UseStoreTtl,
        }.Handle(ImportAsync);

    public static Command Copy() =>
        new Command("copy", "Copy a store to another profile (server), environment or store id")
        {
            Store, Partition, ToProfile, ToOrg, ToEnv, ToStore, OnConflict, Concurrency, Rate, UseStoreTtl,
        }.Handle(CopyAsync);

    private static ImportSettings Settings(CliContext context, string storeId)
    {
        var concurrency = context.Value(Concurrency);
        if (concurrency is < 1 or > 64)
        {
            throw CliException.Usage("--concurrency must be between 1 and 64.");
        }

        var rate = context.Value(Rate);
        if (rate is <= 0)
        {
            throw CliException.Usage("--rate must be a positive number of keys per second.");
        }

        var onConflict = context.Value(OnConflict) switch
        {
            "skip" => ConflictMode.Skip,
            "fail" => ConflictMode.Fail,
            _ => ConflictMode.Overwrite,
        };
        return new ImportSettings(storeId, onConflict, concurrency, rate, context.Value(UseStoreTtl));
    }

    private static void WriteSummary(CliContext context, TransferSummary summary, bool toStandardError)
    {
        var text = summary.Describe();
        if (toStandardError || !context.Output.IsText)
        {
            if (!context.Output.IsText && !toStandardError)
            {
                context.Output.WriteObject(summary, CliJsonContext.Default.TransferSummary, []);
                return;
            }

            context.Terminal.Notice(text);
            return;
        }

        context.Output.Message(text);
    }

    /// <summary>An option with fixed lowercase values: validated, completed, and shown as typed.</summary>
    internal static Option<string> Choice(string name, string description, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => values[0] };
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}

/// <summary>What a transfer did, for people (one sentence) and for scripts (JSON).</summary>
public sealed record TransferSummary(
    string Operation,
    string Store,
    long Keys,
    long Written,
    long Skipped,
    long Unchanged,
    long Expired,
    double Seconds,
    double KeysPerSecond,
    bool Resumed,
    string? File)
{
    public static TransferSummary From(string operation, string store, TransferCounts counts, TransferMeter meter, bool resumed, string? file)
    {
        var seconds = meter.Elapsed.Elapsed.TotalSeconds;
        return new TransferSummary(
            operation, store, counts.Total, counts.Written, counts.Skipped, counts.Unchanged, counts.Expired,
            Math.Round(seconds, 3), seconds > 0 ? Math.Round(meter.Keys / seconds, 1) : 0, resumed, file);
    }

    public string Describe()
    {
        var n = static (long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        var details = Operation == "export"
            ? string.Empty
            : $": {n(Written)} written, {n(Skipped)} skipped, {n(Unchanged)} unchanged, {n(Expired)} expired";
        var verb = Operation switch
        {
            "export" => "Exported",
            "copy" => "Copied",
            _ => Resumed ? "Imported (resumed)" : "Imported",
        };
        var where = Operation == "export" ? $"of store {Store}" : $"into store {Store}";
        return $"{verb} {n(Keys)} keys {where}{details} in {Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s "
            + $"({KeysPerSecond.ToString("N0", CultureInfo.InvariantCulture)} keys/s).";
    }
}
