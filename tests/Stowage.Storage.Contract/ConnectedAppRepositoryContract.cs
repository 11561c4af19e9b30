using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Storage.Contract;

/// <summary>The organization and connected-app repositories of one backend, over the same storage.</summary>
public sealed record AppRepositories(IOrganizationRepository Organizations, IConnectedAppRepository Apps);

/// <summary>
/// The behaviour every backend's connected-app repository must show, including what deleting
/// organizations and environments does to apps and their assignments.
/// </summary>
public abstract class ConnectedAppRepositoryContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private AppRepositories? _repositories;

    private AppRepositories Repositories =>
        _repositories ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected abstract Task<AppRepositories> CreateRepositoriesAsync();

    protected virtual Task DisposeRepositoriesAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _repositories = await CreateRepositoriesAsync();
        var root = new Organization("root", "Root", null, "user", "c-root", T0, T0);
        var admin = new UserRecord("user", "admin", "", "", "", "hash", T0, "root", ["root"]);
        await Repositories.Organizations.BootstrapAsync(root, Environments("root"), admin, CancellationToken.None);
        await Repositories.Organizations.CreateOrganizationAsync(new Organization("group", "Group", "root", "user", "c-group", T0, T0), Environments("group"), 100, CancellationToken.None);
    }

    public Task DisposeAsync() => DisposeRepositoriesAsync();

    [Fact]
    public async Task Create_ThenGet_ReturnsSameFields()
    {
        var app = App("c1", "First", "root") with { RedirectUris = ["https://a.test/cb"], Scopes = ["openid"], PublicKeys = ["pem"], ClientUri = "https://a.test" };

        Assert.Equal(AppWriteOutcome.Done, await Repositories.Apps.CreateAsync(app, 10, CancellationToken.None));

        AssertApp(app, await Repositories.Apps.GetAsync("c1", CancellationToken.None));
        Assert.Null(await Repositories.Apps.GetAsync("unknown", CancellationToken.None));
    }

    [Fact]
    public async Task Create_NameTakenIgnoringCaseOrAtLimit_Refused()
    {
        await Repositories.Apps.CreateAsync(App("c1", "Name", "root"), 2, CancellationToken.None);

        Assert.Equal(AppWriteOutcome.NameTaken, await Repositories.Apps.CreateAsync(App("c2", "NAME", "root"), 2, CancellationToken.None));
        Assert.Equal(AppWriteOutcome.Done, await Repositories.Apps.CreateAsync(App("c3", "Other", "group"), 2, CancellationToken.None));
        Assert.Equal(AppWriteOutcome.LimitReached, await Repositories.Apps.CreateAsync(App("c4", "Third", "root"), 2, CancellationToken.None));
    }

    [Fact]
    public async Task List_OwnersSearchAndPaging_FilterDataAndTotal()
    {
        await Repositories.Apps.CreateAsync(App("aaaa0001", "Beta", "root"), 10, CancellationToken.None);
        await Repositories.Apps.CreateAsync(App("aaaa0002", "alpha", "root"), 10, CancellationToken.None);
        await Repositories.Apps.CreateAsync(App("bbbb0003", "Gamma", "group"), 10, CancellationToken.None);

        var all = await Repositories.Apps.ListAsync(null, null, 0, 10, CancellationToken.None);
        var rootOnly = await Repositories.Apps.ListAsync(null, ["root"], 0, 10, CancellationToken.None);
        var both = await Repositories.Apps.ListAsync(null, ["root", "group"], 1, 1, CancellationToken.None);
        var byName = await Repositories.Apps.ListAsync("ALP", null, 0, 10, CancellationToken.None);
        var byId = await Repositories.Apps.ListAsync("bbbb", null, 0, 10, CancellationToken.None);
        var none = await Repositories.Apps.ListAsync(null, [], 0, 10, CancellationToken.None);

        Assert.Equal(["alpha", "Beta", "Gamma"], all.Apps.Select(a => a.ClientName));
        Assert.Equal(3, all.Total);
        Assert.Equal(["alpha", "Beta"], rootOnly.Apps.Select(a => a.ClientName));
        Assert.Equal(2, rootOnly.Total);
        Assert.Equal(["Beta"], both.Apps.Select(a => a.ClientName));
        Assert.Equal(3, both.Total);
        Assert.Equal(["alpha"], byName.Apps.Select(a => a.ClientName));
        Assert.Equal(["Gamma"], byId.Apps.Select(a => a.ClientName));
        Assert.Equal(0, none.Total);
    }

    [Fact]
    public async Task Update_ChangesFieldsAndRefusesTakenName()
    {
        await Repositories.Apps.CreateAsync(App("c1", "One", "root"), 10, CancellationToken.None);
        await Repositories.Apps.CreateAsync(App("c2", "Two", "root"), 10, CancellationToken.None);
        var changed = App("c1", "Uno", "root") with { Enabled = false, CredentialVersion = 2, SecretCiphertext = [9, 9], UpdatedAt = T0.AddMinutes(5) };

        Assert.Equal(AppWriteOutcome.Done, await Repositories.Apps.UpdateAsync(changed, CancellationToken.None));
        Assert.Equal(AppWriteOutcome.NameTaken, await Repositories.Apps.UpdateAsync(App("c1", "two", "root"), CancellationToken.None));
        Assert.Equal(AppWriteOutcome.NotFound, await Repositories.Apps.UpdateAsync(App("c9", "Nine", "root"), CancellationToken.None));

        AssertApp(changed, await Repositories.Apps.GetAsync("c1", CancellationToken.None));
    }

    [Fact]
    public async Task Grants_ReplaceAddRemoveAndLimit()
    {
        await Repositories.Apps.CreateAsync(App("c1", "One", "root"), 10, CancellationToken.None);
        var a = new ScopeGrant(Scopes.ReadStore, "root", "root-sandbox");
        var b = new ScopeGrant(ScopeCatalog.AdminCloudhub, "root", null);
        var c = new ScopeGrant("openid", null, null);

        Assert.Equal(AppWriteOutcome.Done, await Repositories.Apps.SetGrantsAsync("c1", [a, b], replace: true, 3, CancellationToken.None));
        Assert.Equal(AppWriteOutcome.Done, await Repositories.Apps.SetGrantsAsync("c1", [b, c], replace: false, 3, CancellationToken.None));
        Assert.Equal(AppWriteOutcome.LimitReached, await Repositories.Apps.SetGrantsAsync("c1", [new ScopeGrant(Scopes.ManageStore, "root", "root-sandbox")], replace: false, 3, CancellationToken.None));
        Assert.Equal([b, c, a], await Repositories.Apps.GetGrantsAsync("c1", CancellationToken.None));

        Assert.Equal(AppWriteOutcome.Done, await Repositories.Apps.RemoveGrantsAsync("c1", [a, c], CancellationToken.None));
        Assert.Equal([b], await Repositories.Apps.GetGrantsAsync("c1", CancellationToken.None));
        Assert.Equal(AppWriteOutcome.Done, await Repositories.Apps.SetGrantsAsync("c1", [c], replace: true, 3, CancellationToken.None));
        Assert.Equal([c], await Repositories.Apps.GetGrantsAsync("c1", CancellationToken.None));
        Assert.Equal(AppWriteOutcome.NotFound, await Repositories.Apps.SetGrantsAsync("c9", [c], replace: true, 3, CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceGrantsWithin_KeepsAssignmentsInOtherOrganizations()
    {
        await Repositories.Apps.CreateAsync(App("c1", "One", "group"), 10, CancellationToken.None);
        var inRoot = new ScopeGrant(Scopes.ReadStore, "root", "root-sandbox");
        var inGroup = new ScopeGrant(Scopes.ReadStore, "group", "group-sandbox");
        var global = new ScopeGrant("openid", null, null);
        var replacement = new ScopeGrant(Scopes.ManageStore, "group", "group-sandbox");
        await Repositories.Apps.SetGrantsAsync("c1", [inRoot, inGroup, global], replace: true, 10, CancellationToken.None);

        Assert.Equal(AppWriteOutcome.Done, await Repositories.Apps.ReplaceGrantsWithinAsync("c1", [replacement], new HashSet<string> { "group" }, 10, CancellationToken.None));
        Assert.Equal(
            new[] { inRoot, replacement }.OrderBy(g => g.Scope, StringComparer.Ordinal),
            (await Repositories.Apps.GetGrantsAsync("c1", CancellationToken.None)).OrderBy(g => g.Scope, StringComparer.Ordinal));

        // Past the limit nothing changes, kept assignments included in the count.
        Assert.Equal(AppWriteOutcome.LimitReached, await Repositories.Apps.ReplaceGrantsWithinAsync("c1", [inGroup, replacement], new HashSet<string> { "group" }, 2, CancellationToken.None));
        Assert.Equal(2, (await Repositories.Apps.GetGrantsAsync("c1", CancellationToken.None)).Count);
        Assert.Equal(AppWriteOutcome.NotFound, await Repositories.Apps.ReplaceGrantsWithinAsync("c9", [], new HashSet<string> { "group" }, 10, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteEnvironment_RemovesAssignmentsOnItOnly()
    {
        await Repositories.Apps.CreateAsync(App("c1", "One", "root"), 10, CancellationToken.None);
        var onSandbox = new ScopeGrant(Scopes.ReadStore, "root", "root-sandbox");
        var onDesign = new ScopeGrant(Scopes.ReadStore, "root", "root-design");
        await Repositories.Apps.SetGrantsAsync("c1", [onSandbox, onDesign], replace: true, 10, CancellationToken.None);

        await Repositories.Organizations.DeleteEnvironmentAsync("root", "root-sandbox", CancellationToken.None);

        Assert.Equal([onDesign], await Repositories.Apps.GetGrantsAsync("c1", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteOrganization_RemovesItsAppsAndAssignmentsInIt()
    {
        await Repositories.Apps.CreateAsync(App("c-root", "Root app", "root"), 10, CancellationToken.None);
        await Repositories.Apps.CreateAsync(App("c-group", "Group app", "group"), 10, CancellationToken.None);
        var inRoot = new ScopeGrant(Scopes.ReadStore, "root", "root-sandbox");
        var inGroup = new ScopeGrant(Scopes.ReadStore, "group", "group-sandbox");
        await Repositories.Apps.SetGrantsAsync("c-root", [inRoot, inGroup], replace: true, 10, CancellationToken.None);
        await Repositories.Apps.SetGrantsAsync("c-group", [inRoot, inGroup], replace: true, 10, CancellationToken.None);

        Assert.Equal(DirectoryOutcome.Done, await Repositories.Organizations.DeleteOrganizationAsync("group", CancellationToken.None));

        Assert.Null(await Repositories.Apps.GetAsync("c-group", CancellationToken.None));
        Assert.Empty(await Repositories.Apps.GetGrantsAsync("c-group", CancellationToken.None));
        Assert.Equal([inRoot], await Repositories.Apps.GetGrantsAsync("c-root", CancellationToken.None));
    }

    private static EnvironmentRecord[] Environments(string org) =>
    [
        new($"{org}-production", org, "Production", EnvironmentTypes.Production, $"c-{org}-p", T0),
        new($"{org}-sandbox", org, "Sandbox", EnvironmentTypes.Sandbox, $"c-{org}-s", T0),
        new($"{org}-design", org, "Design", EnvironmentTypes.Design, $"c-{org}-d", T0),
    ];

    private static ConnectedApp App(string clientId, string name, string owner) => new(
        clientId, name, [GrantTypeNames.ClientCredentials], [], [], [], null, Audiences.Internal, owner, "user", true, [1, 2, 3], 1, T0, T0);

    // Records holding lists compare them by reference: compare field by field.
    private static void AssertApp(ConnectedApp expected, ConnectedApp? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.GrantTypes, actual.GrantTypes);
        Assert.Equal(expected.RedirectUris, actual.RedirectUris);
        Assert.Equal(expected.Scopes, actual.Scopes);
        Assert.Equal(expected.PublicKeys, actual.PublicKeys);
        Assert.Equal(expected.SecretCiphertext, actual.SecretCiphertext);
        Assert.Equal(
            expected with { GrantTypes = [], RedirectUris = [], Scopes = [], PublicKeys = [], SecretCiphertext = [] },
            actual with { GrantTypes = [], RedirectUris = [], Scopes = [], PublicKeys = [], SecretCiphertext = [] });
    }
}
