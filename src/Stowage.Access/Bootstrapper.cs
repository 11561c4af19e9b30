using System.Security.Cryptography;

namespace Stowage.Access;

public sealed record BootstrapSettings(string RootOrganizationName, string AdminUsername, string? AdminPassword);

/// <summary>What the first start created; <see cref="GeneratedPassword"/> is set only when one was generated.</summary>
public sealed record BootstrapOutcome(bool Created, string? GeneratedPassword);

/// <summary>
/// Creates the root organization with Production, Sandbox and Design and the admin user, on an
/// empty database only. The repository makes this atomic, so two nodes starting together
/// cannot both bootstrap.
/// </summary>
public sealed class Bootstrapper(IOrganizationRepository organizations, TimeProvider time, PasswordHasher passwords)
{
    public static readonly (string Name, string Type)[] DefaultEnvironments =
    [
        ("Production", EnvironmentTypes.Production),
        ("Sandbox", EnvironmentTypes.Sandbox),
        ("Design", EnvironmentTypes.Design),
    ];

    public async Task<BootstrapOutcome> RunAsync(BootstrapSettings settings, CancellationToken cancellationToken)
    {
        if ((await organizations.ListOrganizationsAsync(cancellationToken)).Count > 0)
        {
            return new BootstrapOutcome(false, null);
        }

        var now = time.GetUtcNow();
        var generated = settings.AdminPassword is null ? GeneratePassword() : null;
        var adminId = Ids.NewId();
        var root = new Organization(Ids.NewId(), settings.RootOrganizationName, null, adminId, Ids.NewClientId(), now, now);
        var admin = new UserRecord(
            adminId, settings.AdminUsername, "Stowage", "Administrator", string.Empty,
            passwords.Hash(settings.AdminPassword ?? generated!), now, root.Id, [root.Id]);
        var created = await organizations.BootstrapAsync(root, NewEnvironments(root.Id, now), admin, cancellationToken);
        return new BootstrapOutcome(created, created ? generated : null);
    }

    public static IReadOnlyList<EnvironmentRecord> NewEnvironments(string orgId, DateTimeOffset now) =>
        DefaultEnvironments.Select(e => new EnvironmentRecord(Ids.NewId(), orgId, e.Name, e.Type, Ids.NewClientId(), now)).ToArray();

    // 24 characters from 59 letters and digits (no l, I or O to misread): about 141 bits.
    private static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 24);
}

public static class Ids
{
    public static string NewId() => Guid.NewGuid().ToString();

    /// <summary>32 lowercase hex characters (128 random bits), the shape of Anypoint client ids.</summary>
    public static string NewClientId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
