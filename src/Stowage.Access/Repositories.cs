namespace Stowage.Access;

/// <summary>
/// Organizations and environments. The tree is small (100 business groups, 150
/// environments each), so readers load it whole and cache it; see <see cref="OrganizationDirectory"/>.
/// Each method behaves as if serializable, whatever the number of nodes calling it at once:
/// its checks (<c>maxOrganizations</c>, <c>maxPerOrganization</c>, names, an organization's
/// last environment) and its write are one step, so concurrent callers cannot both pass a
/// check only one of them may pass. Lists are ordered by id.
/// </summary>
public interface IOrganizationRepository
{
    Task<IReadOnlyList<Organization>> ListOrganizationsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<EnvironmentRecord>> ListEnvironmentsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates the root organization, its environments and the admin user in one
    /// transaction, only when no organization exists yet. False when already bootstrapped.
    /// </summary>
    Task<bool> BootstrapAsync(Organization root, IReadOnlyList<EnvironmentRecord> environments, UserRecord admin, CancellationToken cancellationToken);

    /// <summary>Adds a business group with its environments, unless <paramref name="maxOrganizations"/> exist already.</summary>
    Task<DirectoryOutcome> CreateOrganizationAsync(Organization organization, IReadOnlyList<EnvironmentRecord> environments, int maxOrganizations, CancellationToken cancellationToken);

    Task<DirectoryOutcome> RenameOrganizationAsync(string orgId, string name, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a business group with its environments, their stores, every scope assignment
    /// on it and the connected apps it owns; refused while it has sub-groups or when it is the root.
    /// </summary>
    Task<DirectoryOutcome> DeleteOrganizationAsync(string orgId, CancellationToken cancellationToken);

    Task<DirectoryOutcome> CreateEnvironmentAsync(EnvironmentRecord environment, int maxPerOrganization, CancellationToken cancellationToken);

    Task<DirectoryOutcome> RenameEnvironmentAsync(string orgId, string envId, string name, CancellationToken cancellationToken);

    /// <summary>Deletes an environment, its stores and its scope assignments; refused for an organization's last one.</summary>
    Task<DirectoryOutcome> DeleteEnvironmentAsync(string orgId, string envId, CancellationToken cancellationToken);
}

public enum DirectoryOutcome
{
    Done,
    NotFound,
    NameTaken,
    LimitReached,
    HasChildren,
    IsRoot,
    LastEnvironment,
}

/// <summary>Users; each method behaves as if serializable (a username is unique ignoring ASCII case, even under concurrent creates).</summary>
public interface IUserRepository
{
    Task<UserRecord?> FindByUsernameAsync(string username, CancellationToken cancellationToken);

    Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Creates a user; <see cref="DirectoryOutcome.NameTaken"/> when the username exists (case-insensitively).</summary>
    Task<DirectoryOutcome> CreateAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>Every user, ordered by username (case-insensitively).</summary>
    Task<IReadOnlyList<UserRecord>> ListAllAsync(CancellationToken cancellationToken);

    /// <summary>Users who administer any of <paramref name="orgIds"/>, ordered by username.</summary>
    Task<IReadOnlyList<UserRecord>> ListAdministratorsAsync(IReadOnlyCollection<string> orgIds, CancellationToken cancellationToken);

    /// <summary>Deletes a user and ends their sessions.</summary>
    Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the user's password hash and, in the same transaction, ends every session of the
    /// user except the one whose token hash is <paramref name="keepSessionHash"/>; false when
    /// the user does not exist.
    /// </summary>
    Task<bool> ChangePasswordAsync(string userId, string passwordHash, string? keepSessionHash, CancellationToken cancellationToken);
}

public interface ISessionRepository
{
    Task CreateAsync(SessionRecord session, CancellationToken cancellationToken);

    Task<SessionRecord?> FindAsync(string tokenHash, CancellationToken cancellationToken);

    Task RevokeAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Removes sessions that ended before <paramref name="before"/>.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
