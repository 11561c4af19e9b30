using Microsoft.AspNetCore.Mvc;
using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.Core.Errors;
using Stowage.Core.Paging;
using Stowage.ObjectStore;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>Stores of the chosen environment with their settings: list (keyset paged), create, delete.</summary>
public sealed class StoresModel(ObjectStoreService stores, AuditLog audit) : ObjectStorePageModel
{
    /// <summary>The API's own listing kind for stores, so a console page token is an API page token.</summary>
    internal const char ListingKind = 's';

    public IReadOnlyList<StoreRecord> Stores { get; private set; } = [];

    /// <summary>The token of the next page, or null on the last one.</summary>
    public string? NextPage { get; private set; }

    /// <summary>Whether this is a later page (so the pager offers the first one).</summary>
    public bool IsLaterPage { get; private set; }

    public bool CanManage { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? after)
    {
        var error = await LoadAsync(after);
        return error is null ? Page() : Failed(error);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? storeId, StoreSettingsForm settings, string? environment)
    {
        await LoadAsync(null);
        var address = Target(storeId?.Trim(), environment);
        if (!address.IsSuccess)
        {
            return Failed(address.Error!);
        }

        var parsed = settings.ToSettings();
        if (!parsed.IsSuccess)
        {
            return Failed(parsed.Error!);
        }

        // PUT store is an upsert; "Create" must not silently overwrite an existing store's settings.
        if ((await stores.GetStoreAsync(address.Value, HttpContext.RequestAborted)).IsSuccess)
        {
            return Failed(new Error(ErrorCodes.NameTaken, $"Store '{address.Value.StoreId}' already exists. Open it to change its settings."));
        }

        if ((await stores.PutStoreAsync(address.Value, parsed.Value, HttpContext.RequestAborted)).Error is { } refused)
        {
            return Failed(refused);
        }

        await audit.RecordAsync(Call.Actor, address.Value.OrgId, AuditActions.Create, AuditObjectTypes.Store, address.Value.StoreId, "envId=" + address.Value.EnvId, HttpContext.RequestAborted);
        return Done(ObjectStoreLinks.Store(address.Value.StoreId), $"Store '{address.Value.StoreId}' created.");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? storeId, string? environment)
    {
        await LoadAsync(null);
        var address = Target(storeId, environment);
        if (!address.IsSuccess)
        {
            return Failed(address.Error!);
        }

        if (await stores.DeleteStoreAsync(address.Value, HttpContext.RequestAborted) is { } error)
        {
            return Failed(error);
        }

        await audit.RecordAsync(Call.Actor, address.Value.OrgId, AuditActions.Delete, AuditObjectTypes.Store, address.Value.StoreId, "envId=" + address.Value.EnvId, HttpContext.RequestAborted);
        return Done(ObjectStoreLinks.StoresPath, $"Store '{address.Value.StoreId}' deleted.");
    }

    private Result<StoreAddress> Target(string? storeId, string? environment)
    {
        if (CheckEnvironment(environment) is { } changed)
        {
            return changed;
        }

        var target = Environment(StoreRight.ManageStores);
        return target.IsSuccess ? StoreIn(target.Value, storeId) : target.Error!;
    }

    private async Task<Error?> LoadAsync(string? after)
    {
        var environment = Environment(StoreRight.ReadStores);
        if (!environment.IsSuccess)
        {
            return environment.Error;
        }

        CanManage = Environment(StoreRight.ManageStores).IsSuccess;
        var cursor = PageToken.Decode(ListingKind, after);
        if (!cursor.IsSuccess)
        {
            return cursor.Error;
        }

        var page = await stores.ListStoresAsync(environment.Value, new PageRequest(null, cursor.Value, PageRequest.DefaultSize), HttpContext.RequestAborted);
        Stores = page.Items;
        NextPage = page.NextAfter is { } last ? PageToken.Encode(ListingKind, last) : null;
        IsLaterPage = cursor.Value is not null;
        return null;
    }
}
