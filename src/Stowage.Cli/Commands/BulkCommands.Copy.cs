using System.Runtime.CompilerServices;
using Stowage.Cli.Bulk;
using Stowage.Cli.Infrastructure;

namespace Stowage.Cli.Commands;

public static partial class BulkCommands
{
    /// <summary>
    /// Export piped into import inside one process, no file: the source's export stream read
    /// line by line as an import reads a file (a server without it is read page by page), the
    /// same writer.
    /// </summary>
    private static async Task CopyAsync(CliContext context, CancellationToken cancellationToken)
    {
        var storeId = context.Value(Store)!;
        var partition = context.Value(Partition);
        var toProfile = context.Value(ToProfile);
        using var source = context.OpenSession();
        using var destination = toProfile is null
            ? context.OpenSession(organization: context.Value(ToOrg), environment: context.Value(ToEnv))
            : context.OpenSession(toProfile, context.Value(ToOrg), context.Value(ToEnv), useOptions: false);
        var from = await source.TargetAsync(cancellationToken);
        var to = await destination.TargetAsync(cancellationToken);
        var toStore = context.Value(ToStore) ?? storeId;
        if (source.Url == destination.Url && from == to && toStore == storeId)
        {
            throw CliException.Usage("The source and the target are the same store: pass --to-profile, --to-org, --to-env or --to-store.");
        }

        var store = await source.Client.GetStoreAsync(from.OrganizationId, from.EnvironmentId, storeId, cancellationToken);
        long? total = partition is null ? await StoreReader.CountAsync(source.Client, from, storeId, cancellationToken) : null;
        if (await StoreReader.EnsureStoreAsync(destination.Client, to, toStore, store, cancellationToken))
        {
            context.Terminal.Notice($"Created store {toStore} at {destination.Url}.");
        }

        var counts = new TransferCounts();
        var tracker = new CompletionTracker(0, 0, counts);
        var meter = new TransferMeter();
        var importer = new Importer(destination.Client, to, Settings(context, toStore), meter);
        await TransferProgress.RunAsync(context.Terminal, $"Copying {storeId}", total, meter, async () =>
        {
            var lines = await OpenExportAsync(source.Client, from, storeId, partition, cancellationToken);
            var records = lines is null
                ? StoreReader.ReadAsync(source.Client, from, storeId, partition, cancellationToken)
                : ReadExportAsync(lines, cancellationToken);
            await importer.RunAsync(Numbered(records, cancellationToken), tracker, cancellationToken);
            return true;
        });
        var (_, final) = tracker.Snapshot();
        WriteSummary(context, TransferSummary.From("copy", toStore, final, meter, resumed: false, file: null), toStandardError: false);
    }

    /// <summary>The records of an export stream's lines; the stream is disposed at the end.</summary>
    private static async IAsyncEnumerable<ImportRecord> ReadExportAsync(Stream lines, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using (lines)
        {
            using var reader = new JsonLinesReader(lines, 0);
            long number = 0;
            while (await ReadExportLineAsync(reader, number, cancellationToken) is { } line)
            {
                number++;
                ImportRecord? record;
                string? problem;
                try
                {
                    record = ImportRecord.Parse(line.Span, out problem);
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
                {
                    problem = e.Message;
                    record = null;
                }

                yield return record ?? throw new IOException($"The server's export has a line the copy cannot write (key {number:N0}): {problem}");
            }
        }
    }

    private static async ValueTask<ReadOnlyMemory<byte>?> ReadExportLineAsync(JsonLinesReader reader, long keys, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"The server's export stopped before its end, after {keys:N0} keys: {e.Message}", e);
        }
    }

    /// <summary>Numbers the records; the position of a copy is its key count (the bar's total is the source's key count).</summary>
    private static async IAsyncEnumerable<ImportItem> Numbered(IAsyncEnumerable<ImportRecord> records, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long sequence = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            yield return new ImportItem(sequence, sequence + 1, record);
            sequence++;
        }
    }
}
