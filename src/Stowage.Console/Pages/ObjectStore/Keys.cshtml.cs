using Microsoft.AspNetCore.Mvc;
using Stowage.Core.Errors;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>Keys of one partition: keyset paged like the API, filtered by prefix (<c>beginsWith</c>), with new-key and delete.</summary>
public sealed class KeysModel(ObjectStoreService stores) : ObjectStorePageModel
{
    /// <summary>The API's listing kind for keys, so the page token is the API's own.</summary>
    internal const char ListingKind = 'k';

    /// <summary>Keys per page: the API's default (and what compat clients use).</summary>
    public const int PageSize = PageRequest.DefaultSize;

    [BindProperty(SupportsGet = true, Name = "store")]
    public string? StoreId { get; set; }

    [BindProperty(SupportsGet = true, Name = "partition")]
    public string? Partition { get; set; }

    [BindProperty(SupportsGet = true, Name = "beginsWith")]
    public string? BeginsWith { get; set; }

    public IReadOnlyList<string> Keys { get; private set; } = [];

    public string? NextPage { get; private set; }

    public bool IsLaterPage { get; private set; }

    public bool Loaded { get; private set; }

    public NewKeyForm NewKey { get; private set; } = new();

    public string Here => ObjectStoreLinks.Keys(StoreId ?? string.Empty, Partition ?? string.Empty, BeginsWith);

    public async Task<IActionResult> OnGetAsync(string? after)
    {
        var error = await LoadAsync(after);
        return error is null ? Page() : Failed(error);
    }

    public async Task<IActionResult> OnPostCreateKeyAsync(NewKeyForm form, string? environment)
    {
        NewKey = form;
        var partition = Address();
        if (!partition.IsSuccess || CheckEnvironment(environment) is not null)
        {
            await LoadAsync(null);
            return Failed(partition.Error ?? CheckEnvironment(environment)!);
        }

        form.Partition = partition.Value.Partition;
        var created = await form.CreateAsync(stores, partition.Value.Store, HttpContext.RequestAborted);
        if (!created.IsSuccess)
        {
            await LoadAsync(null);
            return Failed(created.Error!);
        }

        return Done(ObjectStoreLinks.Value(StoreId!, Partition!, created.Value.Key), $"Key '{created.Value.Key}' created.");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? key, string? environment)
    {
        var partition = Address();
        var error = partition.Error ?? CheckEnvironment(environment) ?? Names.CheckKey(key ?? string.Empty);
        if (error is null)
        {
            error = await stores.DeleteAsync(new KeyAddress(partition.Value, key!), HttpContext.RequestAborted);
        }

        if (error is not null)
        {
            await LoadAsync(null);
            return Failed(error);
        }

        return Done(Here, $"Key '{key}' deleted.");
    }

    private Result<PartitionAddress> Address() => PartitionFor(StoreId, Partition);

    private async Task<Error?> LoadAsync(string? after)
    {
        var partition = Address();
        if (!partition.IsSuccess)
        {
            return partition.Error;
        }

        var cursor = PageToken.Decode(ListingKind, after);
        if (!cursor.IsSuccess)
        {
            return cursor.Error;
        }

        var prefix = string.IsNullOrEmpty(BeginsWith) ? null : BeginsWith;
        var page = await stores.ListKeysAsync(partition.Value, new PageRequest(prefix, cursor.Value, PageSize), HttpContext.RequestAborted);
        if (!page.IsSuccess)
        {
            return page.Error;
        }

        Loaded = true;
        Keys = page.Value.Items;
        NextPage = page.Value.NextAfter is { } last ? PageToken.Encode(ListingKind, last) : null;
        IsLaterPage = cursor.Value is not null;
        return null;
    }
}
