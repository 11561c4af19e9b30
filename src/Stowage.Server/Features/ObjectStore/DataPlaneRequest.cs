using Stowage.Core.Errors;
using Stowage.Core.Paging;
using Stowage.ObjectStore;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>
/// Reads data-plane addresses and paging parameters from a request. Store ids, partitions
/// and keys come from the raw path (see <see cref="RawPath"/>) at their fixed positions:
/// /api/v1/organizations/{org}/environments/{env}/stores/{store}/partitions/{partition}/keys/{key}.
/// </summary>
internal static class DataPlaneRequest
{
    private const int StoreSegment = 7;
    private const int PartitionSegment = 9;
    private const int KeySegment = 11;

    public static EnvironmentAddress Environment(HttpContext context) =>
        new((string)context.Request.RouteValues["org"]!, (string)context.Request.RouteValues["env"]!);

    /// <summary>
    /// The route's store; a valid one is kept as a feature of the request for the rest of it,
    /// since the filters (metering, rate limits, metrics) and the handler each ask for it.
    /// </summary>
    public static Result<StoreAddress> Store(HttpContext context)
    {
        if (context.Features.Get<StoreAddress>() is { } store)
        {
            return store;
        }

        var storeId = RawPath.Segment(context, StoreSegment, "store");
        if (Names.CheckStoreId(storeId) is { } error)
        {
            return error;
        }

        var environment = Environment(context);
        store = new StoreAddress(environment.OrgId, environment.EnvId, storeId);
        context.Features.Set(store);
        return store;
    }

    public static Result<PartitionAddress> Partition(HttpContext context)
    {
        var store = Store(context);
        if (!store.IsSuccess)
        {
            return store.Error!;
        }

        var partition = RawPath.Segment(context, PartitionSegment, "partition");
        return Names.CheckPartition(partition) is { } error ? error : new PartitionAddress(store.Value, partition);
    }

    public static Result<KeyAddress> Key(HttpContext context)
    {
        var partition = Partition(context);
        if (!partition.IsSuccess)
        {
            return partition.Error!;
        }

        var key = RawPath.Segment(context, KeySegment, "key");
        return Names.CheckKey(key) is { } error ? error : new KeyAddress(partition.Value, key);
    }

    /// <summary>pageSize, nextPageToken and (where allowed) beginsWith, strictly validated.</summary>
    public static Result<PageRequest> Paging(HttpContext context, char listingKind, bool allowsPrefix)
    {
        var query = context.Request.Query;
        foreach (var name in (string[])["pageSize", "nextPageToken", "beginsWith"])
        {
            if (query[name].Count > 1)
            {
                return Result<PageRequest>.Fail(ErrorCodes.InvalidQuery, $"Query parameter '{name}' is given more than once.");
            }
        }

        // int.TryParse ignores trailing NUL characters, so "5%00" would pass as 5: digits only.
        var size = PageToken.ParseSize(query["pageSize"]);
        if (!size.IsSuccess)
        {
            return size.Error!;
        }

        var after = PageToken.Decode(listingKind, query["nextPageToken"]);
        if (!after.IsSuccess)
        {
            return after.Error!;
        }

        string? prefix = query["beginsWith"];
        if (prefix is not null && (!allowsPrefix || prefix.Length > 1024))
        {
            return Result<PageRequest>.Fail(ErrorCodes.InvalidQuery, allowsPrefix ? "beginsWith is longer than a key can be." : "This listing does not take beginsWith.");
        }

        return new PageRequest(string.IsNullOrEmpty(prefix) ? null : prefix, after.Value, size.Value);
    }

    public static string? NextToken(char listingKind, string? nextAfter) =>
        nextAfter is null ? null : PageToken.Encode(listingKind, nextAfter);
}
