using Stowage.Access;

namespace Stowage.Storage.Contract;

/// <summary>The three access repositories of one backend, over the same storage.</summary>
public sealed record AccessRepositories(IOrganizationRepository Organizations, IUserRepository Users, ISessionRepository Sessions);

/// <summary>
/// The behaviour every backend's organization, user and session repositories must show.
/// A backend's test project derives from this class and supplies fresh, empty storage per test.
/// </summary>
public abstract class AccessRepositoryContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // A well-formed hash that was never computed: hashing is not what these tests are about.
    private const string Hash = "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    private static readonly string[] NoOrganizations = [];

    private AccessRepositories? _repositories;

    private AccessRepositories Repositories =>
        _repositories ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected abstract Task<AccessRepositories> CreateRepositoriesAsync();

    protected virtual Task DisposeRepositoriesAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _repositories = await CreateRepositoriesAsync();

    public Task DisposeAsync() => DisposeRepositoriesAsync();

    [Fact]
    public async Task Bootstrap_EmptyStorage_CreatesRootEnvironmentsAndAdmin()
    {
        var (root, environments, admin) = NewTree("1");

        Assert.True(await Repositories.Organizations.BootstrapAsync(root, environments, admin, CancellationToken.None));

        Assert.Equal([root], await Repositories.Organizations.ListOrganizationsAsync(CancellationToken.None));
        Assert.Equal(environments.OrderBy(e => e.Id, StringComparer.Ordinal), (await Repositories.Organizations.ListEnvironmentsAsync(CancellationToken.None)).OrderBy(e => e.Id, StringComparer.Ordinal));
        AssertUser(admin, await Repositories.Users.FindByUsernameAsync("admin-1", CancellationToken.None));
        AssertUser(admin, await Repositories.Users.GetAsync(admin.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Bootstrap_CalledTwice_SecondReturnsFalseAndAddsNothing()
    {
        var (root, environments, admin) = NewTree("1");
        var (root2, environments2, admin2) = NewTree("2");

        Assert.True(await Repositories.Organizations.BootstrapAsync(root, environments, admin, CancellationToken.None));
        Assert.False(await Repositories.Organizations.BootstrapAsync(root2, environments2, admin2, CancellationToken.None));

        Assert.Equal([root], await Repositories.Organizations.ListOrganizationsAsync(CancellationToken.None));
        Assert.Equal(3, (await Repositories.Organizations.ListEnvironmentsAsync(CancellationToken.None)).Count);
        Assert.Null(await Repositories.Users.FindByUsernameAsync("admin-2", CancellationToken.None));
    }

    [Fact]
    public async Task Bootstrap_EightConcurrentCalls_ExactlyOneCreates()
    {
        var trees = Enumerable.Range(0, 8).Select(i => NewTree(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

        var results = await Task.WhenAll(trees.Select(t =>
            Task.Run(() => Repositories.Organizations.BootstrapAsync(t.Root, t.Environments, t.Admin, CancellationToken.None))));

        var winner = Assert.Single(Enumerable.Range(0, results.Length), i => results[i]);
        Assert.Equal([trees[winner].Root], await Repositories.Organizations.ListOrganizationsAsync(CancellationToken.None));
        Assert.Equal(3, (await Repositories.Organizations.ListEnvironmentsAsync(CancellationToken.None)).Count);
        foreach (var (tree, i) in trees.Select((t, i) => (t, i)))
        {
            var found = await Repositories.Users.FindByUsernameAsync(tree.Admin.Username, CancellationToken.None);
            Assert.Equal(i == winner, found is not null);
        }
    }

    [Fact]
    public async Task CreateOrganization_ChildOfRoot_IsListedWithItsEnvironments()
    {
        var (root, environments, admin) = NewTree("1");
        await Repositories.Organizations.BootstrapAsync(root, environments, admin, CancellationToken.None);
        var child = new Organization("org-child", "Child BG", root.Id, admin.Id, "client-child", T0, T0.AddMinutes(1));
        var childEnvironments = new[] { new EnvironmentRecord("env-child", child.Id, "Sandbox", EnvironmentTypes.Sandbox, "client-env-child", T0) };

        await Repositories.Organizations.CreateOrganizationAsync(child, childEnvironments, 100, CancellationToken.None);

        var organizations = await Repositories.Organizations.ListOrganizationsAsync(CancellationToken.None);
        Assert.Equal([root, child], organizations.OrderBy(o => o.Id, StringComparer.Ordinal));
        Assert.Contains(childEnvironments[0], await Repositories.Organizations.ListEnvironmentsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Users_CreateThenRead_ReturnsSameRecord()
    {
        var user = new UserRecord("user-9", "jdoe", "Jane", "Doe", "jane@example.test", Hash, T0, "org-1", ["org-1", "org-2"]);

        await Repositories.Users.CreateAsync(user, CancellationToken.None);

        AssertUser(user, await Repositories.Users.GetAsync("user-9", CancellationToken.None));
        AssertUser(user, await Repositories.Users.FindByUsernameAsync("jdoe", CancellationToken.None));
    }

    [Fact]
    public async Task Users_Unknown_ReturnsNull()
    {
        Assert.Null(await Repositories.Users.GetAsync("nobody", CancellationToken.None));
        Assert.Null(await Repositories.Users.FindByUsernameAsync("nobody", CancellationToken.None));
    }

    [Fact]
    public async Task Sessions_CreateRevokeFind_ReflectsRevocation()
    {
        var session = new SessionRecord("hash-1", "user-1", T0.AddHours(1), false);
        await Repositories.Sessions.CreateAsync(session, CancellationToken.None);

        Assert.Equal(session, await Repositories.Sessions.FindAsync("hash-1", CancellationToken.None));
        await Repositories.Sessions.RevokeAsync("hash-1", CancellationToken.None);

        Assert.Equal(session with { Revoked = true }, await Repositories.Sessions.FindAsync("hash-1", CancellationToken.None));
        Assert.Null(await Repositories.Sessions.FindAsync("hash-unknown", CancellationToken.None));
    }

    [Fact]
    public async Task ChangePassword_SetsTheHashAndEndsEveryOtherSessionOfTheUser()
    {
        var (root, environments, admin) = NewTree("1");
        await Repositories.Organizations.BootstrapAsync(root, environments, admin, CancellationToken.None);
        foreach (var (hash, user) in new[] { ("keep", admin.Id), ("other", admin.Id), ("someone-else", "user-x") })
        {
            await Repositories.Sessions.CreateAsync(new SessionRecord(hash, user, T0.AddHours(1), false), CancellationToken.None);
        }

        Assert.True(await Repositories.Users.ChangePasswordAsync(admin.Id, "new-hash", "keep", CancellationToken.None));

        Assert.Equal("new-hash", (await Repositories.Users.GetAsync(admin.Id, CancellationToken.None))!.PasswordHash);
        Assert.False((await Repositories.Sessions.FindAsync("keep", CancellationToken.None))!.Revoked);
        Assert.True((await Repositories.Sessions.FindAsync("other", CancellationToken.None))!.Revoked);
        Assert.False((await Repositories.Sessions.FindAsync("someone-else", CancellationToken.None))!.Revoked);
        Assert.False(await Repositories.Users.ChangePasswordAsync("no-such-user", "h", null, CancellationToken.None));
    }

    [Fact]
    public async Task Sessions_PurgeExpired_RemovesOnlySessionsEndedBefore()
    {
        await Repositories.Sessions.CreateAsync(new SessionRecord("ended", "u", T0.AddSeconds(-1), false), CancellationToken.None);
        await Repositories.Sessions.CreateAsync(new SessionRecord("ends-now", "u", T0, false), CancellationToken.None);
        await Repositories.Sessions.CreateAsync(new SessionRecord("later", "u", T0.AddSeconds(1), false), CancellationToken.None);

        var purged = await Repositories.Sessions.PurgeExpiredAsync(T0, CancellationToken.None);

        Assert.Equal(1, purged);
        Assert.Null(await Repositories.Sessions.FindAsync("ended", CancellationToken.None));
        Assert.NotNull(await Repositories.Sessions.FindAsync("ends-now", CancellationToken.None));
        Assert.NotNull(await Repositories.Sessions.FindAsync("later", CancellationToken.None));
    }

    [Fact]
    public async Task Users_ListAll_OrderedByUsernameIgnoringCaseWithAdminOf()
    {
        await Repositories.Users.CreateAsync(new UserRecord("u-b", "bravo", "", "", "", Hash, T0, "org-1", ["org-2", "org-3"]), CancellationToken.None);
        await Repositories.Users.CreateAsync(new UserRecord("u-a", "Alpha", "", "", "", Hash, T0, "org-1", []), CancellationToken.None);
        await Repositories.Users.CreateAsync(new UserRecord("u-c", "charlie", "", "", "", Hash, T0, "org-1", ["org-1"]), CancellationToken.None);

        var users = await Repositories.Users.ListAllAsync(CancellationToken.None);

        Assert.Equal(["Alpha", "bravo", "charlie"], users.Select(u => u.Username));
        Assert.Empty(users[0].AdminOf);
        Assert.Equal(["org-2", "org-3"], users[1].AdminOf.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Users_CreateSameUsernameOtherCase_NameTaken()
    {
        await Repositories.Users.CreateAsync(new UserRecord("u-1", "Jane", "", "", "", Hash, T0, "org-1", []), CancellationToken.None);

        var outcome = await Repositories.Users.CreateAsync(new UserRecord("u-2", "jane", "", "", "", Hash, T0, "org-1", []), CancellationToken.None);

        Assert.Equal(DirectoryOutcome.NameTaken, outcome);
        Assert.Single(await Repositories.Users.ListAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CreateOrganization_AtLimit_LimitReachedAndNothingAdded()
    {
        var (root, environments, admin) = NewTree("1");
        await Repositories.Organizations.BootstrapAsync(root, environments, admin, CancellationToken.None);
        await Repositories.Organizations.CreateOrganizationAsync(Group("g1", root.Id), [], 2, CancellationToken.None);
        await Repositories.Organizations.CreateOrganizationAsync(Group("g2", root.Id), [], 2, CancellationToken.None);

        var outcome = await Repositories.Organizations.CreateOrganizationAsync(Group("g3", root.Id), [], 2, CancellationToken.None);

        Assert.Equal(DirectoryOutcome.LimitReached, outcome);
        Assert.Equal(3, (await Repositories.Organizations.ListOrganizationsAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task DeleteOrganization_RootChildrenUnknown_RefusedWithReason()
    {
        var (root, environments, admin) = NewTree("1");
        await Repositories.Organizations.BootstrapAsync(root, environments, admin, CancellationToken.None);
        await Repositories.Organizations.CreateOrganizationAsync(Group("parent", root.Id), [], 100, CancellationToken.None);
        await Repositories.Organizations.CreateOrganizationAsync(Group("child", "parent"), [], 100, CancellationToken.None);

        Assert.Equal(DirectoryOutcome.IsRoot, await Repositories.Organizations.DeleteOrganizationAsync(root.Id, CancellationToken.None));
        Assert.Equal(DirectoryOutcome.HasChildren, await Repositories.Organizations.DeleteOrganizationAsync("parent", CancellationToken.None));
        Assert.Equal(DirectoryOutcome.NotFound, await Repositories.Organizations.DeleteOrganizationAsync("nobody", CancellationToken.None));
        Assert.Equal(DirectoryOutcome.Done, await Repositories.Organizations.DeleteOrganizationAsync("child", CancellationToken.None));
        Assert.Equal(DirectoryOutcome.Done, await Repositories.Organizations.DeleteOrganizationAsync("parent", CancellationToken.None));
        Assert.Equal([root], await Repositories.Organizations.ListOrganizationsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Environments_NameTakenIgnoringCaseLimitAndLastOne_Refused()
    {
        var (root, environments, admin) = NewTree("1");
        await Repositories.Organizations.BootstrapAsync(root, environments, admin, CancellationToken.None);
        var qa = new EnvironmentRecord("env-qa", root.Id, "QA", EnvironmentTypes.Sandbox, "c-qa", T0);

        Assert.Equal(DirectoryOutcome.NameTaken, await Repositories.Organizations.CreateEnvironmentAsync(qa with { Name = "sandbox" }, 150, CancellationToken.None));
        Assert.Equal(DirectoryOutcome.LimitReached, await Repositories.Organizations.CreateEnvironmentAsync(qa, 3, CancellationToken.None));
        Assert.Equal(DirectoryOutcome.Done, await Repositories.Organizations.CreateEnvironmentAsync(qa, 4, CancellationToken.None));
        Assert.Equal(DirectoryOutcome.NameTaken, await Repositories.Organizations.RenameEnvironmentAsync(root.Id, "env-qa", "PRODUCTION", CancellationToken.None));
        Assert.Equal(DirectoryOutcome.NotFound, await Repositories.Organizations.RenameEnvironmentAsync("other-org", "env-qa", "x", CancellationToken.None));
        foreach (var env in new[] { "env-qa", "prod-1", "sand-1" })
        {
            Assert.Equal(DirectoryOutcome.Done, await Repositories.Organizations.DeleteEnvironmentAsync(root.Id, env, CancellationToken.None));
        }

        Assert.Equal(DirectoryOutcome.LastEnvironment, await Repositories.Organizations.DeleteEnvironmentAsync(root.Id, "design-1", CancellationToken.None));
        Assert.Equal(["design-1"], (await Repositories.Organizations.ListEnvironmentsAsync(CancellationToken.None)).Select(e => e.Id));
    }

    private static Organization Group(string id, string parent) => new(id, id, parent, "user-1", "client-" + id, T0, T0);

    private static (Organization Root, EnvironmentRecord[] Environments, UserRecord Admin) NewTree(string suffix)
    {
        var root = new Organization($"org-{suffix}", $"Root {suffix}", null, $"user-{suffix}", $"client-{suffix}", T0, T0);
        var environments = new[]
        {
            new EnvironmentRecord($"prod-{suffix}", root.Id, "Production", EnvironmentTypes.Production, $"c-prod-{suffix}", T0),
            new EnvironmentRecord($"sand-{suffix}", root.Id, "Sandbox", EnvironmentTypes.Sandbox, $"c-sand-{suffix}", T0),
            new EnvironmentRecord($"design-{suffix}", root.Id, "Design", EnvironmentTypes.Design, $"c-design-{suffix}", T0),
        };
        var admin = new UserRecord($"user-{suffix}", $"admin-{suffix}", "Stowage", "Administrator", string.Empty, Hash, T0, root.Id, [root.Id]);
        return (root, environments, admin);
    }

    // UserRecord holds a list, which records compare by reference: compare it by content.
    private static void AssertUser(UserRecord expected, UserRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { AdminOf = NoOrganizations }, actual with { AdminOf = NoOrganizations });
        Assert.Equal(expected.AdminOf.Order(StringComparer.Ordinal), actual.AdminOf.Order(StringComparer.Ordinal));
    }
}
