namespace Stowage.Access;

/// <summary>
/// Organizations and environments. The tree is small (100 business groups, 150
/// environments each), so readers load it whole and cache it; see <see cref="OrganizationDirectory"/>.
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

    /// <summary>Adds a business group with its environments (used by tests now, the API later).</summary>
    Task CreateOrganizationAsync(Organization organization, IReadOnlyList<EnvironmentRecord> environments, CancellationToken cancellationToken);
}

public interface IUserRepository
{
    Task<UserRecord?> FindByUsernameAsync(string username, CancellationToken cancellationToken);

    Task<UserRecord?> GetAsync(string userId, CancellationToken cancellationToken);

    Task CreateAsync(UserRecord user, CancellationToken cancellationToken);
}

public interface ISessionRepository
{
    Task CreateAsync(SessionRecord session, CancellationToken cancellationToken);

    Task<SessionRecord?> FindAsync(string tokenHash, CancellationToken cancellationToken);

    Task RevokeAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Removes sessions that ended before <paramref name="before"/>.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
