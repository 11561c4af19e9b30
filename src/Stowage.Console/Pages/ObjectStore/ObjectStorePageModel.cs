using Stowage.Access;
using Stowage.Core.Errors;
using Stowage.ObjectStore;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>
/// Base of the Object Store pages: they act on the chosen environment only, and only with
/// the right the matching API endpoint would ask for (the same <c>HasStoreRight</c> check).
/// </summary>
public abstract class ObjectStorePageModel : ConsolePageModel
{
    /// <summary>The chosen environment's id, which every form carries back (see <see cref="CheckEnvironment"/>).</summary>
    public string EnvironmentId => Session.Environment?.Id ?? string.Empty;

    /// <summary>"Group · Environment", for breadcrumbs.</summary>
    public string Where => $"{Session.Organization.Name} · {Session.Environment?.Name ?? "no environment"}";

    /// <summary>The chosen environment when the user holds <paramref name="right"/> on it, else an error to show.</summary>
    protected Result<EnvironmentAddress> Environment(StoreRight right)
    {
        if (Session.Environment is not { } environment)
        {
            return new Error(ErrorCodes.EnvironmentNotFound, $"Business group '{Session.Organization.Name}' has no environment yet. Create one under Access Management → Environments.");
        }

        return Session.Caller.HasStoreRight(right, Session.Organization.Id, environment.Id)
            ? new EnvironmentAddress(Session.Organization.Id, environment.Id)
            : new Error(ErrorCodes.Forbidden, $"You may not do this in environment '{environment.Name}'.");
    }

    /// <summary>
    /// A form names the environment it was rendered for: a switch of environment in another
    /// tab must not turn an edit of store X in Sandbox into an edit of store X in Production.
    /// </summary>
    protected Error? CheckEnvironment(string? formEnvironment) =>
        string.Equals(formEnvironment, EnvironmentId, StringComparison.Ordinal)
            ? null
            : new Error(ErrorCodes.InvalidRequest, "The chosen environment changed since this page was opened (in another tab?). Nothing was changed: reload the page and try again.");

    /// <summary>A store address in the chosen environment, or the validation error for the id.</summary>
    protected static Result<StoreAddress> StoreIn(EnvironmentAddress environment, string? storeId) =>
        Names.CheckStoreId(storeId ?? string.Empty) is { } error
            ? error
            : new StoreAddress(environment.OrgId, environment.EnvId, storeId!);

    /// <summary>A partition of a store in the chosen environment, when the user may manage its data (as the API's key endpoints require).</summary>
    protected Result<PartitionAddress> PartitionFor(string? storeId, string? partition)
    {
        var environment = Environment(StoreRight.ManageData);
        if (!environment.IsSuccess)
        {
            return environment.Error!;
        }

        var store = StoreIn(environment.Value, storeId);
        if (!store.IsSuccess)
        {
            return store.Error!;
        }

        return Names.CheckPartition(partition ?? string.Empty) is { } invalid ? invalid : new PartitionAddress(store.Value, partition!);
    }
}
