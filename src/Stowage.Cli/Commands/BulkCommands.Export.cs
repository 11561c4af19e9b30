using Stowage.Cli.Bulk;
using Stowage.Cli.Infrastructure;

namespace Stowage.Cli.Commands;

public static partial class BulkCommands
{
    private static async Task ExportAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        var storeId = context.Value(Store)!;
        var partition = context.Value(Partition);
        var store = await session.Client.GetStoreAsync(target.OrganizationId, target.EnvironmentId, storeId, cancellationToken);
        long? total = partition is null ? await StoreReader.CountAsync(session.Client, target, storeId, cancellationToken) : null;

        var path = context.Value(Out);

        // A file appears under its name only once complete: an interrupted export cannot pass for a whole one.
        var partial = path is null ? null : path + ".partial";
        Stream stream = partial is null
            ? new BufferedStream(context.Terminal.StandardOutput, 256 * 1024)
            : OpenPrivate(partial);
        var meter = new TransferMeter();
        var counts = new TransferCounts();
        var completed = false;
        try
        {
            await context.Terminal.Output.FlushAsync(cancellationToken);
            await using (var writer = new ExportWriter(stream))
            {
                writer.WriteHeader(new ExportHeader
                {
                    StowageExport = ExportHeader.CurrentVersion,
                    Store = store,
                    ExportedAt = DateTimeOffset.UtcNow,
                    Partition = partition,
                });
                await TransferProgress.RunAsync(context.Terminal, $"Exporting {storeId}", total, meter, async () =>
                {
                    if (await OpenExportAsync(session.Client, target, storeId, partition, cancellationToken) is { } lines)
                    {
                        // The server's lines are the file's: copied as they come.
                        await using (lines)
                        {
                            await writer.CopyLinesAsync(lines, count =>
                            {
                                meter.Advance(count);
                                meter.MoveTo(meter.Keys);
                                counts.Written += count;
                            }, cancellationToken);
                        }

                        return true;
                    }

                    // Each value's JSON goes to its line as the server sent it: no strings made of 1 KB values.
                    await foreach (var (name, page) in StoreReader.ReadJsonPagesAsync(session.Client, target, storeId, partition, cancellationToken))
                    {
                        using (page)
                        {
                            foreach (var value in page.Values)
                            {
                                await writer.WriteJsonAsync(name, value, cancellationToken);
                                meter.Advance();
                                meter.MoveTo(meter.Keys);
                                counts.Written++;
                            }
                        }
                    }

                    return true;
                });
            }

            completed = true;
        }
        finally
        {
            if (partial is null)
            {
                // Standard output stays open for the summary and the exit flush.
                await stream.FlushAsync(CancellationToken.None);
            }
            else
            {
                await stream.DisposeAsync();
            }

            if (partial is not null)
            {
                if (completed)
                {
                    System.IO.File.Move(partial, path!, overwrite: true);
                }
                else
                {
                    System.IO.File.Delete(partial);
                }
            }
        }

        WriteSummary(context, TransferSummary.From("export", storeId, counts, meter, resumed: false, path), toStandardError: path is null);
    }

    /// <summary>
    /// The server's export stream (one request for the whole store), or null from a server
    /// that does not have it (an earlier version: no such path), which is then read page by page.
    /// </summary>
    private static async Task<Stream?> OpenExportAsync(
        Client.StowageClient client, Connection.Target target, string storeId, string? partition, CancellationToken cancellationToken)
    {
        try
        {
            return await client.OpenExportAsync(target.OrganizationId, target.EnvironmentId, storeId, partition, cancellationToken);
        }
        catch (Client.StowageApiException e) when (e.Status is 404 or 405 && e.Code is null or "NOT_FOUND" or "METHOD_NOT_ALLOWED")
        {
            return null;
        }
    }

    /// <summary>An export holds the store's data: readable by its owner only, like the config file.</summary>
    private static FileStream OpenPrivate(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            BufferSize = 256 * 1024,
            Options = FileOptions.SequentialScan,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }
}
