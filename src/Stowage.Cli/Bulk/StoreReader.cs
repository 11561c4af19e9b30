using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Stowage.Cli.Connection;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Cli.Bulk;

/// <summary>
/// Reads a store from a server without the export stream (an earlier version), for export and
/// copy: a page of up to 1 000 values (at most ~4 MiB) per
/// request through the <c>values</c> listing, so each page is one consistent read. Up to
/// <see cref="Parallelism"/> partitions are read side by side, each page after page, and a
/// reader asks for its next page while the previous one is being written; memory holds at most
/// 2 × <see cref="Parallelism"/> + 1 pages whatever the size of the store. A partition's keys
/// come in key order; the pages of partitions read side by side interleave.
/// </summary>
public static class StoreReader
{
    public const int PageSize = 1000;

    /// <summary>Partitions read at the same time (each one request in flight).</summary>
    public const int Parallelism = 4;

    /// <summary>Every value of the store (or of <paramref name="partition"/>) as a record to write elsewhere (<c>copy</c>).</summary>
    public static async IAsyncEnumerable<ImportRecord> ReadAsync(
        StowageClient client, Target target, string storeId, string? partition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = ReadPagesAsync(
            client, target, storeId, partition,
            (name, token, ct) => client.GetValuesPageAsync(target.OrganizationId, target.EnvironmentId, storeId, name, PageSize, token, ct),
            static page => page.NextPageToken,
            cancellationToken);
        await foreach (var (name, page) in pages)
        {
            foreach (var value in page.Values ?? [])
            {
                yield return ImportRecord.From(name, value);
            }
        }
    }

    /// <summary>
    /// The store's (or <paramref name="partition"/>'s) pages of values as the server sent them,
    /// for an export that copies each value's JSON instead of parsing it. The caller disposes
    /// each page once written.
    /// </summary>
    public static IAsyncEnumerable<(string Partition, ValuesPageJson Page)> ReadJsonPagesAsync(
        StowageClient client, Target target, string storeId, string? partition, CancellationToken cancellationToken) =>
        ReadPagesAsync(
            client, target, storeId, partition,
            (name, token, ct) => client.GetValuesPageJsonAsync(target.OrganizationId, target.EnvironmentId, storeId, name, PageSize, token, ct),
            static page => page.NextPageToken,
            cancellationToken);

    private static async IAsyncEnumerable<(string Partition, TPage Page)> ReadPagesAsync<TPage>(
        StowageClient client, Target target, string storeId, string? partition,
        Func<string, string?, CancellationToken, Task<TPage>> fetch, Func<TPage, string?> nextToken,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pages = Channel.CreateBounded<(string Partition, TPage Page)>(new BoundedChannelOptions(Parallelism)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var names = (partition is null
            ? client.ListPartitionsAsync(target.OrganizationId, target.EnvironmentId, storeId, PageSize, stop.Token)
            : One(partition)).GetAsyncEnumerator(stop.Token);
        using var gate = new SemaphoreSlim(1, 1);

        async Task<string?> NextPartitionAsync()
        {
            await gate.WaitAsync(stop.Token);
            try
            {
                return await names.MoveNextAsync() ? names.Current : null;
            }
            finally
            {
                gate.Release();
            }
        }

        async Task ReadPartitionsAsync()
        {
            while (await NextPartitionAsync() is { } name)
            {
                string? token = null;
                do
                {
                    var page = await fetch(name, token, stop.Token);
                    token = nextToken(page);
                    try
                    {
                        await pages.Writer.WriteAsync((name, page), stop.Token);
                    }
                    catch
                    {
                        (page as IDisposable)?.Dispose();
                        throw;
                    }
                }
                while (token is not null);
            }
        }

        var readers = Enumerable.Range(0, Parallelism).Select(_ => Task.Run(ReadPartitionsAsync, CancellationToken.None)).ToArray();

        // The first failure (or the stop) ends the listing; the reader below gets it as is.
        var completion = Task.WhenAll(readers).ContinueWith(
            done => pages.Writer.TryComplete(done.IsCanceled ? new OperationCanceledException(stop.Token) : done.Exception?.InnerException),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        try
        {
            await foreach (var page in pages.Reader.ReadAllAsync(cancellationToken))
            {
                yield return page;
            }

            // A stop never passes for the end of the store.
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            // Done, failed or stopped early by the caller: no reader goes on, and pages read
            // ahead but never handed out give their buffers back.
            await stop.CancelAsync();
            await completion;
            await names.DisposeAsync();
            while (pages.Reader.TryRead(out var left))
            {
                (left.Page as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>The number of live keys, for a progress bar's total; null when the token may not count them.</summary>
    public static async Task<long?> CountAsync(StowageClient client, Target target, string storeId, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetStoreContentsAsync(target.OrganizationId, target.EnvironmentId, storeId, cancellationToken)).KeyCount;
        }
        catch (StowageApiException)
        {
            return null;
        }
    }

    /// <summary>Creates the store with <paramref name="settings"/> when it does not exist; true when it was created.</summary>
    public static async Task<bool> EnsureStoreAsync(StowageClient client, Target target, string storeId, StoreDto? settings, CancellationToken cancellationToken)
    {
        if (await Commands.StoreCommands.ExistsAsync(client, target, storeId, cancellationToken))
        {
            return false;
        }

        var request = settings is null
            ? new StoreSettingsRequest()
            : new StoreSettingsRequest
            {
                DefaultTtlSeconds = settings.DefaultTtlSeconds,
                DefaultConfirmationTtlSeconds = settings.DefaultConfirmationTtlSeconds,
                IsFixedTtl = settings.IsFixedTtl,
                Persistent = settings.Persistent,
                Encrypted = settings.Encrypted,
            };
        var (_, created) = await client.PutStoreAsync(target.OrganizationId, target.EnvironmentId, storeId, request, cancellationToken);
        return created;
    }

    private static async IAsyncEnumerable<string> One(string partition)
    {
        await Task.CompletedTask;
        yield return partition;
    }
}
