using System.Collections.Concurrent;
using System.Threading.Channels;
using Stowage.Cli.Connection;
using Stowage.Cli.Infrastructure;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Cli.Bulk;

/// <summary>What to do with a key that already exists in the target store.</summary>
public enum ConflictMode
{
    /// <summary>Write the exported value over it (the default; running an import twice gives the same store).</summary>
    Overwrite,

    /// <summary>Keep the existing value.</summary>
    Skip,

    /// <summary>Stop with an error, unless the existing value is the exported one.</summary>
    Fail,
}

public sealed record ImportSettings(string StoreId, ConflictMode OnConflict, int Concurrency, double? KeysPerSecond, bool UseStoreTtl);

/// <summary>One key to write, numbered in input order, with the input offset where its line ends.</summary>
public sealed record ImportItem(long Sequence, long EndOffset, ImportRecord Record);

/// <summary>
/// Writes records into a store with bounded concurrency. Input order is kept for the
/// watermark: writes run side by side, and <see cref="CompletionTracker"/> knows which
/// prefix of the input is done; and for a key that comes more than once, whose writes go one
/// after the other in input order, so its last line wins. A stop request (Ctrl-C) takes no
/// new lines and lets the writes in flight finish; a failure stops everything and is
/// reported with its line.
/// </summary>
public sealed class Importer(StowageClient client, Target target, ImportSettings settings, TransferMeter meter)
{
    private const long MaxTtlSeconds = 2_592_000;

    // The latest write handed out for each key still in flight (removed once it is done).
    private readonly ConcurrentDictionary<(string Partition, string Key), Task> _lastWrites = new();

    public async Task RunAsync(IAsyncEnumerable<ImportItem> items, CompletionTracker tracker, CancellationToken stop)
    {
        using var abort = new CancellationTokenSource();
        var channel = Channel.CreateBounded<Queued>(new BoundedChannelOptions(settings.Concurrency * 4)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Exception? failure = null;
        void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref failure, e, null);
            abort.Cancel();
        }

        using var stopOrAbort = CancellationTokenSource.CreateLinkedTokenSource(stop, abort.Token);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await ProduceAsync(items, channel.Writer, stopOrAbort.Token);
                }
                catch (OperationCanceledException) when (stopOrAbort.IsCancellationRequested)
                {
                    // Stopped: the lines not yet read stay for --resume.
                }
                catch (Exception e)
                {
                    Fail(e);
                }
                finally
                {
                    channel.Writer.TryComplete();
                }
            },
            CancellationToken.None);

        var workers = Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(
            async () =>
            {
                try
                {
                    while (await channel.Reader.WaitToReadAsync(abort.Token))
                    {
                        // Queued lines are not in flight: after a stop they wait for --resume.
                        if (stop.IsCancellationRequested || !channel.Reader.TryRead(out var item))
                        {
                            if (stop.IsCancellationRequested)
                            {
                                return;
                            }

                            continue;
                        }

                        Outcome outcome;
                        try
                        {
                            // An earlier line of the same key is written first.
                            if (item.After is { } after)
                            {
                                await after.WaitAsync(abort.Token);
                            }

                            outcome = await WriteAsync(item.Item, abort.Token);
                        }
                        finally
                        {
                            item.Done.TrySetResult();
                            _lastWrites.TryRemove(KeyValuePair.Create(item.Id, item.Done.Task));
                        }

                        tracker.Complete(item.Item.Sequence, item.Item.EndOffset, outcome);
                        meter.Advance();
                    }
                }
                catch (OperationCanceledException) when (abort.IsCancellationRequested)
                {
                    // Another worker failed; its error is the one reported.
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            },
            CancellationToken.None)).ToArray();

        await Task.WhenAll(workers);
        await producer;
        if (failure is not null)
        {
            throw failure;
        }

        stop.ThrowIfCancellationRequested();
    }

    private async Task ProduceAsync(IAsyncEnumerable<ImportItem> items, ChannelWriter<Queued> writer, CancellationToken cancellationToken)
    {
        long dispatched = 0;
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            if (settings.KeysPerSecond is { } rate)
            {
                var due = TimeSpan.FromSeconds(dispatched / rate) - meter.Elapsed.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken);
                }
            }

            var id = (item.Record.Partition, item.Record.Key);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task? after = null;
            _ = _lastWrites.AddOrUpdate(id, done.Task, (_, previous) =>
            {
                after = previous;
                return done.Task;
            });
            await writer.WriteAsync(new Queued(item, id, after, done), cancellationToken);
            meter.MoveTo(item.EndOffset);
            dispatched++;
        }
    }

    /// <summary>A line handed to the writers: the write of the same key it waits for, if any, and its own end.</summary>
    private sealed record Queued(ImportItem Item, (string Partition, string Key) Id, Task? After, TaskCompletionSource Done);

    private async Task<Outcome> WriteAsync(ImportItem item, CancellationToken cancellationToken)
    {
        var record = item.Record;
        long? ttl = null;
        if (!settings.UseStoreTtl && record.ExpiresAt is { } expiresAt)
        {
            var remaining = expiresAt - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                return Outcome.Expired;
            }

            // Rounded up, so a key never expires before its exported instant.
            ttl = Math.Clamp((long)Math.Ceiling(remaining.TotalSeconds), 1, MaxTtlSeconds);
        }

        var (partition, key) = (record.Partition, record.Key);
        var body = record.Body(ttl);
        try
        {
            switch (settings.OnConflict)
            {
                case ConflictMode.Overwrite:
                    await client.PutValueJsonAsync(target.OrganizationId, target.EnvironmentId, settings.StoreId, partition, key, body, onlyIfAbsent: false, cancellationToken);
                    return Outcome.Written;
                case ConflictMode.Skip:
                    return await client.PutValueJsonAsync(target.OrganizationId, target.EnvironmentId, settings.StoreId, partition, key, body, onlyIfAbsent: true, cancellationToken)
                        ? Outcome.Written
                        : Outcome.Skipped;
                default:
                    if (await client.PutValueJsonAsync(target.OrganizationId, target.EnvironmentId, settings.StoreId, partition, key, body, onlyIfAbsent: true, cancellationToken))
                    {
                        return Outcome.Written;
                    }

                    var existing = await client.GetValueAsync(target.OrganizationId, target.EnvironmentId, settings.StoreId, partition, key, cancellationToken);
                    return SameValue(record.ToValue(), existing)
                        ? Outcome.Unchanged
                        : throw new CliException(ExitCodes.Failed, $"Key '{key}' of partition '{partition}' already exists with another value (--on-conflict fail).", "KEY_ALREADY_EXISTS");
            }
        }
        catch (StowageApiException e) when (e.Status is not (401 or 429))
        {
            throw new CliException(
                StowageCli.ExitCodeOf(e),
                $"Line {item.Sequence + 2} (partition '{partition}', key '{key}'): {e.Message}",
                e.Code);
        }
    }

    private static bool SameValue(ValueDto imported, ValueDto existing) =>
        existing.ValueType == imported.ValueType
        && existing.StringValue == imported.StringValue
        && existing.NumberValue == imported.NumberValue
        && existing.BinaryValue == imported.BinaryValue;
}
