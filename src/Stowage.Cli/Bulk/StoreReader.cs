using System.Runtime.CompilerServices;
using Stowage.Cli.Connection;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Cli.Bulk;

/// <summary>
/// Reads a store for export and copy: partition by partition, a page of up to 1 000 values
/// (at most ~4 MiB) per request through the <c>values</c> listing, so each page is one
/// consistent read and memory holds one page whatever the size of the store.
/// </summary>
public static class StoreReader
{
    public const int PageSize = 1000;

    public static async IAsyncEnumerable<ExportRecord> ReadAsync(
        StowageClient client, Target target, string storeId, string? partition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var partitions = partition is null
            ? client.ListPartitionsAsync(target.OrganizationId, target.EnvironmentId, storeId, PageSize, cancellationToken)
            : One(partition);
        await foreach (var name in partitions.WithCancellation(cancellationToken))
        {
            await foreach (var value in client.ListValuesAsync(target.OrganizationId, target.EnvironmentId, storeId, name, PageSize, cancellationToken))
            {
                yield return ExportRecord.From(name, value);
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
