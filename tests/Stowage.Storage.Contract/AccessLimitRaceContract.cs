using System.Globalization;
using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Storage.Contract;

/// <summary>
/// Limits and uniqueness checked before a write must hold when callers race, on one node or
/// many: with one slot left, of N concurrent creates exactly one wins, the others get the
/// limit outcome, and the stored count equals the limit. A backend that counts and inserts
/// without serializing the two lets several through.
/// </summary>
public abstract class AccessLimitRaceContract : IAsyncLifetime
{
    private const int Racers = 8;

    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private AppRepositories? _repositories;
    private IUserRepository? _users;

    private AppRepositories Repositories =>
        _repositories ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected abstract Task<(AppRepositories Repositories, IUserRepository Users)> CreateRepositoriesAsync();

    protected virtual Task DisposeRepositoriesAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        (_repositories, _users) = await CreateRepositoriesAsync();
        var root = new Organization("root", "Root", null, "user", "c-root", T0, T0);
        var admin = new UserRecord("user", "admin", "", "", "", "hash", T0, "root", ["root"]);
        await Repositories.Organizations.BootstrapAsync(root, [Environment("root", 0), Environment("root", 1), Environment("root", 2)], admin, CancellationToken.None);
    }

    public Task DisposeAsync() => DisposeRepositoriesAsync();

    [Fact]
    public async Task CreateOrganization_ConcurrentCreatesForTheLastSlot_ExactlyOneWins()
    {
        await Repositories.Organizations.CreateOrganizationAsync(Group(0), [], 3, CancellationToken.None);
        await Repositories.Organizations.CreateOrganizationAsync(Group(1), [], 3, CancellationToken.None);

        var outcomes = await RaceAsync(i => Repositories.Organizations.CreateOrganizationAsync(Group(10 + i), [Environment("g" + (10 + i), 0)], 3, CancellationToken.None));

        AssertOneWinner(DirectoryOutcome.Done, DirectoryOutcome.LimitReached, outcomes);
        Assert.Equal(3, (await Repositories.Organizations.ListOrganizationsAsync(CancellationToken.None)).Count(o => o.ParentId is not null));
        Assert.Equal(4, (await Repositories.Organizations.ListEnvironmentsAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task CreateEnvironment_ConcurrentCreatesForTheLastSlot_ExactlyOneWins()
    {
        var outcomes = await RaceAsync(i => Repositories.Organizations.CreateEnvironmentAsync(Environment("root", 10 + i), 4, CancellationToken.None));

        AssertOneWinner(DirectoryOutcome.Done, DirectoryOutcome.LimitReached, outcomes);
        Assert.Equal(4, (await Repositories.Organizations.ListEnvironmentsAsync(CancellationToken.None)).Count(e => e.OrganizationId == "root"));
    }

    [Fact]
    public async Task DeleteEnvironment_ConcurrentDeletesOfAllButNone_OneEnvironmentStays()
    {
        var outcomes = await RaceAsync(i => Repositories.Organizations.DeleteEnvironmentAsync("root", Environment("root", i % 3).Id, CancellationToken.None));

        Assert.Equal(2, outcomes.Count(o => o == DirectoryOutcome.Done));
        Assert.All(outcomes, o => Assert.True(o is DirectoryOutcome.Done or DirectoryOutcome.NotFound or DirectoryOutcome.LastEnvironment, o.ToString()));
        Assert.Single(await Repositories.Organizations.ListEnvironmentsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CreateApp_ConcurrentCreatesForTheLastSlot_ExactlyOneWins()
    {
        await Repositories.Apps.CreateAsync(App(0), 3, CancellationToken.None);
        await Repositories.Apps.CreateAsync(App(1), 3, CancellationToken.None);

        var outcomes = await RaceAsync(i => Repositories.Apps.CreateAsync(App(10 + i), 3, CancellationToken.None));

        AssertOneWinner(AppWriteOutcome.Done, AppWriteOutcome.LimitReached, outcomes);
        Assert.Equal(3, (await Repositories.Apps.ListAsync(null, null, 0, 100, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task CreateApp_ConcurrentCreatesOfOneNameInOtherCases_ExactlyOneWins()
    {
        var outcomes = await RaceAsync(i => Repositories.Apps.CreateAsync(App(10 + i) with { ClientName = i % 2 == 0 ? "Shared" : "SHARED" }, 100, CancellationToken.None));

        AssertOneWinner(AppWriteOutcome.Done, AppWriteOutcome.NameTaken, outcomes);
        Assert.Equal(1, (await Repositories.Apps.ListAsync(null, null, 0, 100, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task AddGrants_ConcurrentAdditionsForTheLastSlot_ExactlyOneWins()
    {
        await Repositories.Apps.CreateAsync(App(0), 10, CancellationToken.None);
        await Repositories.Apps.SetGrantsAsync(App(0).ClientId, [Grant(0), Grant(1)], replace: true, 3, CancellationToken.None);

        var outcomes = await RaceAsync(i => Repositories.Apps.SetGrantsAsync(App(0).ClientId, [Grant(10 + i)], replace: false, 3, CancellationToken.None));

        AssertOneWinner(AppWriteOutcome.Done, AppWriteOutcome.LimitReached, outcomes);
        Assert.Equal(3, (await Repositories.Apps.GetGrantsAsync(App(0).ClientId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task CreateUser_ConcurrentCreatesOfOneNameInOtherCases_ExactlyOneWins()
    {
        var users = _users!;

        var outcomes = await RaceAsync(i => users.CreateAsync(
            new UserRecord("u" + i.ToString(CultureInfo.InvariantCulture), i % 2 == 0 ? "jane" : "JANE", "", "", "", "hash", T0, "root", []), CancellationToken.None));

        AssertOneWinner(DirectoryOutcome.Done, DirectoryOutcome.NameTaken, outcomes);
        Assert.Equal(2, (await users.ListAllAsync(CancellationToken.None)).Count);
    }

    // Every racer waits at the gate, so their transactions overlap as much as the backend lets them.
    private static async Task<T[]> RaceAsync<T>(Func<int, Task<T>> call)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, Racers).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await call(i);
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(racers);
    }

    private static void AssertOneWinner<T>(T win, T loss, T[] outcomes)
        where T : struct, Enum
    {
        Assert.Equal(Enumerable.Repeat(loss, Racers - 1).Prepend(win), outcomes.OrderBy(o => o.Equals(win) ? 0 : 1));
    }

    private static Organization Group(int i) => new("g" + i.ToString(CultureInfo.InvariantCulture), "Group " + i.ToString(CultureInfo.InvariantCulture), "root", "user", "c-g" + i.ToString(CultureInfo.InvariantCulture), T0, T0);

    private static EnvironmentRecord Environment(string org, int i) =>
        new($"{org}-env-{i.ToString(CultureInfo.InvariantCulture)}", org, "Env " + i.ToString(CultureInfo.InvariantCulture), EnvironmentTypes.Sandbox, $"c-{org}-{i.ToString(CultureInfo.InvariantCulture)}", T0);

    private static ScopeGrant Grant(int i) => new(Scopes.ReadStore, "root", "env-" + i.ToString(CultureInfo.InvariantCulture));

    private static ConnectedApp App(int i) => new(
        "client-" + i.ToString(CultureInfo.InvariantCulture), "App " + i.ToString(CultureInfo.InvariantCulture), [GrantTypeNames.ClientCredentials], [], [], [], null, Audiences.Internal,
        "root", "user", true, [1, 2, 3], 1, T0, T0);
}
