using Microsoft.AspNetCore.Mvc;
using Stowage.Access;
using Stowage.Access.Audit;
using Stowage.Access.Limits;
using Stowage.Core.Errors;
using Stowage.Core.Paging;
using Stowage.Metering;
using Stowage.ObjectStore;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>One store: its contents, settings and rate limit (edit), partitions (keyset paged, delete) and a form for a new key.</summary>
public sealed class StoreModel(ObjectStoreService stores, UsageStats usage, AuditLog audit, IRateLimitRepository limits, RateLimitSettings limitSettings, TimeProvider time) : ObjectStorePageModel
{
    /// <summary>The API's listing kind for partitions.</summary>
    internal const char ListingKind = 'p';

    [BindProperty(SupportsGet = true, Name = "store")]
    public string? StoreId { get; set; }

    public StoreRecord? Store { get; private set; }

    public StoreUsage? Contents { get; private set; }

    public IReadOnlyList<string> Partitions { get; private set; } = [];

    public string? NextPage { get; private set; }

    public bool IsLaterPage { get; private set; }

    public bool CanManageStore { get; private set; }

    public bool CanManageData { get; private set; }

    /// <summary>What the store itself sets (null: it inherits).</summary>
    public RateLimitPolicy? OwnLimit { get; private set; }

    /// <summary>The limit in force on the store and the level it comes from.</summary>
    public EffectiveRateLimit Limit { get; private set; }

    /// <summary>The new-key form as it was sent, to show it again after an error.</summary>
    public NewKeyForm NewKey { get; private set; } = new();

    public string Here => ObjectStoreLinks.Store(StoreId ?? string.Empty);

    public async Task<IActionResult> OnGetAsync(string? after)
    {
        var error = await LoadAsync(after);
        return error is null ? Page() : Failed(error);
    }

    public async Task<IActionResult> OnPostSettingsAsync(StoreSettingsForm settings, string? environment)
    {
        if (await LoadAsync(null) is { } missing)
        {
            return Failed(missing);
        }

        var parsed = settings.ToSettings();
        if ((CheckEnvironment(environment) ?? Refused(CanManageStore) ?? parsed.Error) is { } error)
        {
            return Failed(error);
        }

        var address = Address();
        if ((await stores.PutStoreAsync(address, parsed.Value, HttpContext.RequestAborted)).Error is { } refused)
        {
            return Failed(refused);
        }

        await audit.RecordAsync(Call.Actor, address.OrgId, AuditActions.Update, AuditObjectTypes.Store, address.StoreId, "envId=" + address.EnvId, HttpContext.RequestAborted);
        return Done(Here, $"Settings of '{address.StoreId}' saved.");
    }

    public async Task<IActionResult> OnPostRateLimitAsync(RateLimitForm rateLimit, string? environment)
    {
        if (await LoadAsync(null) is { } missing)
        {
            return Failed(missing);
        }

        var policy = rateLimit.ToPolicy();
        if ((CheckEnvironment(environment) ?? Refused(CanManageStore) ?? policy.Error) is { } error)
        {
            return Failed(error);
        }

        var address = Address();
        var scope = RateLimitScope.Store(address.OrgId, address.EnvId, address.StoreId);
        if (policy.Value is { } set)
        {
            await limits.SetAsync(new RateLimitSetting(scope, set, time.GetUtcNow()), HttpContext.RequestAborted);
        }
        else
        {
            await limits.RemoveAsync(scope, HttpContext.RequestAborted);
        }

        await limitSettings.ReloadAsync(HttpContext.RequestAborted);
        await audit.RecordAsync(
            Call.Actor, address.OrgId, AuditActions.Update, AuditObjectTypes.Store, address.StoreId,
            $"envId={address.EnvId} rateLimit={policy.Value?.Name ?? RateLimitForm.Inherit}", HttpContext.RequestAborted);
        return Done(Here, $"Rate limit of '{address.StoreId}' saved.");
    }

    public async Task<IActionResult> OnPostDeletePartitionAsync(string? partition, string? environment)
    {
        if (await LoadAsync(null) is { } missing)
        {
            return Failed(missing);
        }

        if ((CheckEnvironment(environment) ?? Refused(CanManageData) ?? Names.CheckPartition(partition ?? string.Empty)) is { } invalid)
        {
            return Failed(invalid);
        }

        return await stores.DeletePartitionAsync(new PartitionAddress(Address(), partition!), HttpContext.RequestAborted) is { } error
            ? Failed(error)
            : Done(Here, $"Partition '{partition}' deleted.");
    }

    public async Task<IActionResult> OnPostCreateKeyAsync(NewKeyForm form, string? environment)
    {
        NewKey = form;
        if (await LoadAsync(null) is { } missing)
        {
            return Failed(missing);
        }

        if ((CheckEnvironment(environment) ?? Refused(CanManageData)) is { } refused)
        {
            return Failed(refused);
        }

        var created = await form.CreateAsync(stores, Address(), HttpContext.RequestAborted);
        return created.IsSuccess
            ? Done(ObjectStoreLinks.Value(StoreId!, created.Value.Partition.Partition, created.Value.Key), $"Key '{created.Value.Key}' created.")
            : Failed(created.Error!);
    }

    private static Error? Refused(bool allowed) =>
        allowed ? null : new Error(ErrorCodes.Forbidden, "You may not change this store.");

    private StoreAddress Address() => new(Session.Organization.Id, EnvironmentId, Store!.StoreId);

    // Read from storage, as the API's GET …/limits does: exact right after a change on any node.
    private async Task LoadLimitAsync(StoreAddress address)
    {
        var chain = await limits.GetChainAsync(address.OrgId, address.EnvId, address.StoreId, HttpContext.RequestAborted);
        OwnLimit = chain.FirstOrDefault(s => s.Scope.Level == RateLimitLevel.Store)?.Policy;
        Limit = chain.OrderBy(s => s.Scope.Level).Select(s => new EffectiveRateLimit(s.Policy, s.Scope.Level)).FirstOrDefault(
            new EffectiveRateLimit(limitSettings.Default, RateLimitLevel.Default));
    }

    private async Task<Error?> LoadAsync(string? after)
    {
        var environment = Environment(StoreRight.ReadStores);
        if (!environment.IsSuccess)
        {
            return environment.Error;
        }

        var address = StoreIn(environment.Value, StoreId);
        if (!address.IsSuccess)
        {
            return address.Error;
        }

        var store = await stores.GetStoreAsync(address.Value, HttpContext.RequestAborted);
        if (!store.IsSuccess)
        {
            return store.Error;
        }

        Store = store.Value;
        CanManageStore = Environment(StoreRight.ManageStores).IsSuccess;
        CanManageData = Environment(StoreRight.ManageData).IsSuccess;
        Contents = await usage.GetStoreUsageAsync(address.Value.OrgId, address.Value.EnvId, address.Value.StoreId, HttpContext.RequestAborted);
        await LoadLimitAsync(address.Value);
        if (!CanManageData)
        {
            // Partitions are data (manage:store_data), as in the API.
            return null;
        }

        var cursor = PageToken.Decode(ListingKind, after);
        if (!cursor.IsSuccess)
        {
            return cursor.Error;
        }

        var page = await stores.ListPartitionsAsync(address.Value, new PageRequest(null, cursor.Value, PageRequest.DefaultSize), HttpContext.RequestAborted);
        if (page.IsSuccess)
        {
            Partitions = page.Value.Items;
            NextPage = page.Value.NextAfter is { } last ? PageToken.Encode(ListingKind, last) : null;
            IsLaterPage = cursor.Value is not null;
        }

        return page.Error;
    }
}
