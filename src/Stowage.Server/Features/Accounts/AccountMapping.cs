using Stowage.Access;
using Stowage.Contracts;

namespace Stowage.Server.Features.Accounts;

/// <summary>Domain records to the Anypoint-shaped DTOs of access-management-api.md.</summary>
internal static class AccountMapping
{
    public static EnvironmentDto ToDto(EnvironmentRecord e) => new()
    {
        Id = e.Id,
        Name = e.Name,
        OrganizationId = e.OrganizationId,
        IsProduction = e.IsProduction,
        Type = e.Type,
        ClientId = e.ClientId,
    };

    public static OrganizationDto ToDto(Organization o, OrganizationDirectory.Snapshot tree, UserRecord? owner) => new()
    {
        Id = o.Id,
        Name = o.Name,
        CreatedAt = o.CreatedAt,
        UpdatedAt = o.UpdatedAt,
        OwnerId = o.OwnerId,
        ClientId = o.ClientId,
        IsRoot = o.IsRoot,
        IsMaster = o.IsRoot,
        ParentOrganizationIds = tree.AncestorIds(o.Id),
        SubOrganizationIds = tree.Children(o.Id).Select(c => c.Id).ToArray(),
        Environments = tree.EnvironmentsOf(o.Id).Select(ToDto).ToArray(),
        Owner = owner is null ? null : new OrganizationOwnerDto
        {
            Id = owner.Id,
            Username = owner.Username,
            FirstName = owner.FirstName,
            LastName = owner.LastName,
            Email = owner.Email,
        },
        Subscription = new SubscriptionDto { Category = "Enterprise", Type = "Enterprise", Expiration = null },
        Entitlements = new EntitlementsDto { CreateEnvironments = true, CreateSubOrgs = o.IsRoot || tree.AncestorIds(o.Id).Count < 6 },
    };

    public static UserDto ToDto(UserRecord user, Caller caller, OrganizationDirectory.Snapshot tree)
    {
        var home = tree.Organization(user.OrganizationId) ?? tree.Root!;

        // The home (root) organization first, then every group the user administers.
        var members = new[] { home.Id }.Concat(caller.AdministeredOrgIds.Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Select(tree.Organization)
            .OfType<Organization>()
            .Select(o => Summary(o, tree))
            .ToArray();

        return new UserDto
        {
            Id = user.Id,
            Username = user.Username,
            FirstName = user.FirstName,
            LastName = user.LastName,
            Email = user.Email,
            CreatedAt = user.CreatedAt,
            OrganizationId = home.Id,
            Organization = Summary(home, tree),
            MemberOfOrganizations = members,
            OrganizationPreferences = members.ToDictionary(
                m => m.Id,
                m => new OrganizationPreferenceDto { DefaultEnvironment = DefaultEnvironment(m.Id, tree) },
                StringComparer.Ordinal),
        };
    }

    /// <summary>A user as listed to administrators: the home organization, then the groups the user administers.</summary>
    public static UserDto ToListedDto(UserRecord user, OrganizationDirectory.Snapshot tree)
    {
        var home = tree.Organization(user.OrganizationId) ?? tree.Root!;
        var members = new[] { home.Id }.Concat(user.AdminOf.Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Select(tree.Organization)
            .OfType<Organization>()
            .Select(o => Summary(o, tree))
            .ToArray();

        return new UserDto
        {
            Id = user.Id,
            Username = user.Username,
            FirstName = user.FirstName,
            LastName = user.LastName,
            Email = user.Email,
            CreatedAt = user.CreatedAt,
            OrganizationId = home.Id,
            Organization = Summary(home, tree),
            MemberOfOrganizations = members,
        };
    }

    private static OrganizationSummaryDto Summary(Organization o, OrganizationDirectory.Snapshot tree) => new()
    {
        Id = o.Id,
        Name = o.Name,
        IsRoot = o.IsRoot,
        IsMaster = o.IsRoot,
        SubOrganizationIds = tree.Children(o.Id).Select(c => c.Id).ToArray(),
        ParentOrganizationIds = tree.AncestorIds(o.Id),
    };

    // Sandbox when there is one: tools that pick the default environment should not land on Production.
    private static string? DefaultEnvironment(string orgId, OrganizationDirectory.Snapshot tree)
    {
        var environments = tree.EnvironmentsOf(orgId).ToArray();
        return (environments.FirstOrDefault(e => e.Type == Stowage.Access.EnvironmentTypes.Sandbox) ?? environments.FirstOrDefault())?.Id;
    }
}
