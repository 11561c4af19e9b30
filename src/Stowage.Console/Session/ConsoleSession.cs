using Stowage.Access;

namespace Stowage.Console.Session;

/// <summary>
/// The signed-in user on a console page, and where they are: the business groups they
/// administer (as a tree), the chosen group and environment. Built once per request by
/// <see cref="ConsoleSessionResolver"/>, when the console's authentication handler runs.
/// </summary>
public sealed class ConsoleSession(
    Caller caller,
    UserRecord user,
    string binding,
    OrganizationDirectory.Snapshot tree,
    IReadOnlyList<GroupNode> groups,
    Organization organization,
    EnvironmentRecord? environment)
{
    public Caller Caller { get; } = caller;

    public UserRecord User { get; } = user;

    /// <summary>A value that names this session and no other, for binding its form tokens (never the token itself).</summary>
    public string Binding { get; } = binding;

    public OrganizationDirectory.Snapshot Tree { get; } = tree;

    /// <summary>The groups the user administers, depth-first, each with its depth for indentation.</summary>
    public IReadOnlyList<GroupNode> Groups { get; } = groups;

    /// <summary>The chosen business group (always one the user administers).</summary>
    public Organization Organization { get; } = organization;

    /// <summary>The chosen environment of <see cref="Organization"/>; null when it has none.</summary>
    public EnvironmentRecord? Environment { get; } = environment;

    public IEnumerable<EnvironmentRecord> Environments => Tree.EnvironmentsOf(Organization.Id).OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase);

    public string DisplayName => string.IsNullOrWhiteSpace(User.FirstName) ? User.Username : $"{User.FirstName} {User.LastName}".Trim();

    /// <summary>True when the user administers <paramref name="orgId"/> (directly or through an ancestor) and it exists.</summary>
    public bool Administers(string orgId) => Groups.Any(g => g.Organization.Id == orgId);
}

/// <summary>A business group in the switcher's tree.</summary>
public sealed record GroupNode(Organization Organization, int Depth);
