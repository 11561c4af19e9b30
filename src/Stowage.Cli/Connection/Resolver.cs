using Stowage.Cli.Infrastructure;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Cli.Connection;

/// <summary>Turns an organization or environment name into its id; an id (a UUID) is taken as it is, without a call.</summary>
public static class Resolver
{
    public static async Task<string> OrganizationAsync(StowageClient client, string nameOrId, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(nameOrId, out _))
        {
            return nameOrId;
        }

        var me = await client.GetMeAsync(cancellationToken);
        var root = me.User?.MemberOfOrganizations.FirstOrDefault(o => o.IsRoot)?.Id ?? me.Client?.OrgId
            ?? throw CliException.NotFound($"No organization named '{nameOrId}': pass its id instead.");
        var tree = await client.GetHierarchyAsync(root, cancellationToken);
        var all = Flatten(tree).ToList();
        var match = PickByName(all, nameOrId, static o => o.Name);
        return match?.Id ?? throw CliException.NotFound(
            $"No organization named '{nameOrId}'. Known: {string.Join(", ", all.Select(o => o.Name))}.");
    }

    public static async Task<EnvironmentDto> EnvironmentAsync(StowageClient client, string organizationId, string nameOrId, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(nameOrId, out _))
        {
            return new EnvironmentDto { Id = nameOrId, Name = nameOrId, OrganizationId = organizationId };
        }

        var environments = await client.ListEnvironmentsAsync(organizationId, cancellationToken: cancellationToken);
        return PickByName(environments.Data, nameOrId, static e => e.Name) ?? throw CliException.NotFound(
            $"No environment named '{nameOrId}'. Known: {string.Join(", ", environments.Data.Select(e => e.Name))}.");
    }

    public static IEnumerable<HierarchyDto> Flatten(HierarchyDto root)
    {
        yield return root;
        foreach (var child in root.SubOrganizations)
        {
            foreach (var descendant in Flatten(child))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>The exact name, else the only one equal ignoring case (names are typed by people).</summary>
    private static T? PickByName<T>(IReadOnlyCollection<T> items, string name, Func<T, string> nameOf)
        where T : class
    {
        var exact = items.FirstOrDefault(item => string.Equals(nameOf(item), name, StringComparison.Ordinal));
        if (exact is not null)
        {
            return exact;
        }

        var loose = items.Where(item => string.Equals(nameOf(item), name, StringComparison.OrdinalIgnoreCase)).ToList();
        return loose.Count == 1 ? loose[0] : null;
    }
}
