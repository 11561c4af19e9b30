using System.Runtime.CompilerServices;
using System.Text.Json;
using Stowage.Cli.Bulk;
using Stowage.Cli.Infrastructure;

namespace Stowage.Cli.Commands;

public static partial class BulkCommands
{
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(250);

    private static async Task<int> ImportAsync(CliContext context, CancellationToken cancellationToken)
    {
        var file = context.Value(File)!;
        var fromStdin = file == "-";
        if (fromStdin && context.Value(Resume))
        {
            throw CliException.Usage("--resume needs a file: standard input cannot be read again.");
        }

        if (!fromStdin && !System.IO.File.Exists(file))
        {
            throw CliException.Usage($"The file '{file}' does not exist.");
        }

        await using var stream = fromStdin
            ? Console.OpenStandardInput()
            : new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 256 * 1024, FileOptions.SequentialScan);
        var reader = new JsonLinesReader(stream, 0);
        try
        {
            return await ImportAsync(context, file, stream, reader, cancellationToken);
        }
        finally
        {
            reader.Dispose();
        }
    }

    private static async Task<int> ImportAsync(CliContext context, string file, Stream stream, JsonLinesReader reader, CancellationToken cancellationToken)
    {
        var fromStdin = file == "-";
        long? length = fromStdin ? null : stream.Length;
        var (header, headerHash, headerEnd) = await ReadHeaderAsync(reader, file, cancellationToken);

        var storeId = context.Value(TargetStore) ?? header.Store?.StoreId
            ?? throw CliException.Usage("The export names no store: pass --store NAME.");
        var settings = Settings(context, storeId);
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);

        // Resume only the same export into the same place; anything else starts from the top, which is safe.
        var checkpointPath = fromStdin ? null : ImportCheckpoint.PathFor(context.Config.Directory, file, target.OrganizationId, target.EnvironmentId, storeId);
        var start = headerEnd;
        var counts = new TransferCounts();
        var resumed = false;
        if (context.Value(Resume))
        {
            var saved = ImportCheckpoint.Load(checkpointPath!);
            if (saved is not null && saved.HeaderHash == headerHash && saved.FileLength == length && saved.Offset >= headerEnd && saved.Offset <= length)
            {
                (start, counts, resumed) = (saved.Offset, saved.Counts, true);
                context.Terminal.Notice($"Resuming after {saved.Counts.Total:N0} keys.");
            }
            else
            {
                context.Terminal.Notice("Nothing to resume for this file and store: importing from the start.");
            }
        }

        if (await StoreReader.EnsureStoreAsync(session.Client, target, storeId, header.Store, cancellationToken))
        {
            context.Terminal.Notice($"Created store {storeId}.");
        }

        if (start != headerEnd)
        {
            // Resuming: skip what is done (the reader has read ahead of the header, so it starts over at the offset).
            stream.Seek(start, SeekOrigin.Begin);
            reader.Restart(start);
        }

        var checkpoint = new ImportCheckpoint
        {
            File = fromStdin ? "-" : Path.GetFullPath(file),
            Store = storeId,
            OrganizationId = target.OrganizationId,
            EnvironmentId = target.EnvironmentId,
            HeaderHash = headerHash,
            FileLength = length ?? 0,
        };
        var tracker = new CompletionTracker(counts.Total, start, counts);
        var meter = new TransferMeter();
        meter.MoveTo(start);
        var importer = new Importer(session.Client, target, settings, meter);
        using var saving = new CancellationTokenSource();
        var saver = checkpointPath is null ? Task.CompletedTask : SaveCheckpointsAsync(checkpoint, checkpointPath, tracker, saving.Token);
        try
        {
            await TransferProgress.RunAsync(context.Terminal, $"Importing {storeId}", length, meter, async () =>
            {
                await importer.RunAsync(Records(reader, counts.Total, cancellationToken), tracker, cancellationToken);
                return true;
            });
        }
        catch (Exception e) when (e is OperationCanceledException or CliException or Client.StowageApiException or HttpRequestException)
        {
            await saving.CancelAsync();
            await saver;
            if (checkpointPath is not null)
            {
                Save(checkpoint, checkpointPath, tracker);
                var done = tracker.Snapshot().Counts.Total;
                context.Terminal.Notice($"Stopped after {done:N0} keys; run the same command with --resume to continue.");
            }

            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }

            throw;
        }

        await saving.CancelAsync();
        await saver;
        if (checkpointPath is not null && System.IO.File.Exists(checkpointPath))
        {
            System.IO.File.Delete(checkpointPath);
        }

        var (_, final) = tracker.Snapshot();
        WriteSummary(context, TransferSummary.From("import", storeId, final, meter, resumed, fromStdin ? null : file), toStandardError: false);
        return ExitCodes.Success;
    }

    private static async Task<(ExportHeader Header, string Hash, long End)> ReadHeaderAsync(JsonLinesReader reader, string file, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken);
        ExportHeader? header = null;
        try
        {
            header = line is { } bytes ? JsonSerializer.Deserialize(bytes.Span, CliJsonContext.Default.ExportHeader) : null;
        }
        catch (JsonException)
        {
            // Reported below as not an export.
        }

        if (header is not { StowageExport: ExportHeader.CurrentVersion })
        {
            throw new CliException(ExitCodes.Failed, $"'{file}' is not a stowage export (version {ExportHeader.CurrentVersion}): its first line must be {{\"stowageExport\":1,…}}.");
        }

        return (header, ImportCheckpoint.HashOf(line!.Value.Span), reader.Offset);
    }

    private static async IAsyncEnumerable<ImportItem> Records(JsonLinesReader reader, long firstSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sequence = firstSequence;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            ImportRecord? record;
            string? problem;
            try
            {
                record = ImportRecord.Parse(line.Span, out problem);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw new CliException(ExitCodes.Failed, $"Line {sequence + 2} is not valid JSON: {e.Message}");
            }

            if (record is null)
            {
                throw new CliException(ExitCodes.Failed, $"Line {sequence + 2} cannot be imported: {problem}.");
            }

            yield return new ImportItem(sequence++, reader.Offset, record);
        }
    }

    private static async Task SaveCheckpointsAsync(ImportCheckpoint checkpoint, string path, CompletionTracker tracker, CancellationToken cancellationToken)
    {
        long saved = -1;
        try
        {
            while (true)
            {
                await Task.Delay(CheckpointInterval, cancellationToken);
                var (offset, _) = tracker.Snapshot();
                if (offset != saved)
                {
                    Save(checkpoint, path, tracker);
                    saved = offset;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The import ended; the caller saves (or deletes) the final state.
        }
    }

    private static void Save(ImportCheckpoint checkpoint, string path, CompletionTracker tracker)
    {
        lock (checkpoint)
        {
            var (offset, counts) = tracker.Snapshot();
            checkpoint.Offset = offset;
            checkpoint.Counts = counts;
            checkpoint.UpdatedAt = DateTimeOffset.UtcNow;
            checkpoint.Save(path);
        }
    }
}
