using System.Globalization;
using Stowage.Access;
using Stowage.Access.Apps;

namespace Stowage.Storage.Contract;

/// <summary>The repositories that append access changes and the feed that reads them, over the same storage.</summary>
public sealed record FeedRepositories(IOrganizationRepository Organizations, IUserRepository Users, IConnectedAppRepository Apps, IAccessChangeFeed Feed);

/// <summary>
/// The behaviour every backend's access change feed must show. The race test is the point:
/// followers read "changes after the last sequence I saw", so a change that becomes visible
/// after a higher sequence was read is skipped forever. Appenders run concurrently while a
/// follower polls; the follower must see every change exactly once, in increasing order.
/// </summary>
public abstract class AccessChangeFeedContract : IAsyncLifetime
{
    // Far ahead of the wall clock: revocations trim entries already expired by it.
    private static readonly DateTimeOffset T0 = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private FeedRepositories? _repositories;

    private FeedRepositories Repositories =>
        _repositories ?? throw new InvalidOperationException("InitializeAsync has not run.");

    protected abstract Task<FeedRepositories> CreateRepositoriesAsync();

    protected virtual Task DisposeRepositoriesAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _repositories = await CreateRepositoriesAsync();
        var root = new Organization("root", "Root", null, "user", "c-root", T0, T0);
        var admin = new UserRecord("user", "admin", "", "", "", "hash", T0, "root", ["root"]);
        await Repositories.Organizations.BootstrapAsync(root, [Environment("root-sandbox", "Sandbox"), Environment("root-design", "Design")], admin, CancellationToken.None);
    }

    public Task DisposeAsync() => DisposeRepositoriesAsync();

    [Fact]
    public async Task ReadAfter_ConcurrentAppendersWhileFollowerPolls_FollowerSeesEveryChangeOnceInOrder()
    {
        const int Workers = 8;
        const int PerWorker = 30;
        for (var w = 0; w < Workers; w++)
        {
            await Repositories.Apps.CreateAsync(App(w, 0), 100, CancellationToken.None);
        }

        var start = await Repositories.Feed.LatestSequenceAsync(CancellationToken.None);
        using var done = new CancellationTokenSource();
        var follower = Task.Run(() => FollowAsync(start, done.Token));
        var appenders = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            for (var i = 1; i <= PerWorker; i++)
            {
                // Revocations and app updates interleave, as on a busy cluster.
                if (i % 2 == 0)
                {
                    await Repositories.Feed.RevokeTokenAsync(Token(w, i), T0.AddHours(1), CancellationToken.None);
                }
                else
                {
                    Assert.Equal(AppWriteOutcome.Done, await Repositories.Apps.UpdateAsync(App(w, i), CancellationToken.None));
                }
            }
        })).ToArray();
        await Task.WhenAll(appenders);
        await done.CancelAsync();
        var seen = await follower;

        var stored = await Repositories.Feed.ReadAfterAsync(start, 10_000, CancellationToken.None);
        var expected = Enumerable.Range(0, Workers)
            .SelectMany(w => Enumerable.Range(1, PerWorker).Select(i => i % 2 == 0 ? (AccessChangeKind.Token, Token(w, i)) : (AccessChangeKind.App, ClientId(w))))
            .Order()
            .ToArray();
        Assert.Equal(expected, stored.Select(c => (c.Kind, c.Subject)).Order().ToArray());
        Assert.Equal(stored, seen);
    }

    [Fact]
    public async Task LatestSequence_EmptyThenAfterRevocations_IsTheLastSequence()
    {
        Assert.Equal(0, await Repositories.Feed.LatestSequenceAsync(CancellationToken.None));

        await Repositories.Feed.RevokeTokenAsync("t1", T0.AddHours(1), CancellationToken.None);
        await Repositories.Feed.RevokeTokenAsync("t2", T0.AddHours(1), CancellationToken.None);

        var changes = await Repositories.Feed.ReadAfterAsync(0, 10, CancellationToken.None);
        Assert.Equal([(AccessChangeKind.Token, "t1"), (AccessChangeKind.Token, "t2")], changes.Select(c => (c.Kind, c.Subject)));
        Assert.True(changes[0].Sequence < changes[1].Sequence);
        Assert.Equal(changes[1].Sequence, await Repositories.Feed.LatestSequenceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReadAfter_Limit_OldestFirstThenTheRest()
    {
        foreach (var token in new[] { "t1", "t2", "t3", "t4", "t5" })
        {
            await Repositories.Feed.RevokeTokenAsync(token, T0.AddHours(1), CancellationToken.None);
        }

        var first = await Repositories.Feed.ReadAfterAsync(0, 2, CancellationToken.None);
        var rest = await Repositories.Feed.ReadAfterAsync(first[^1].Sequence, 10, CancellationToken.None);

        Assert.Equal(["t1", "t2"], first.Select(c => c.Subject));
        Assert.Equal(["t3", "t4", "t5"], rest.Select(c => c.Subject));
        Assert.Empty(await Repositories.Feed.ReadAfterAsync(rest[^1].Sequence, 10, CancellationToken.None));
    }

    [Fact]
    public async Task RevokedTokens_UntilTheirExpiry_RevokingAgainKeepsTheLaterExpiry()
    {
        await Repositories.Feed.RevokeTokenAsync("short", T0.AddHours(1), CancellationToken.None);
        await Repositories.Feed.RevokeTokenAsync("long", T0.AddHours(2), CancellationToken.None);
        await Repositories.Feed.RevokeTokenAsync("again", T0.AddHours(1), CancellationToken.None);
        await Repositories.Feed.RevokeTokenAsync("again", T0.AddHours(3), CancellationToken.None);

        var early = await Repositories.Feed.RevokedTokensAsync(T0, CancellationToken.None);
        var later = await Repositories.Feed.RevokedTokensAsync(T0.AddMinutes(90), CancellationToken.None);

        Assert.Equal([("again", T0.AddHours(3)), ("long", T0.AddHours(2)), ("short", T0.AddHours(1))], early.OrderBy(t => t.TokenId, StringComparer.Ordinal));
        Assert.Equal([("again", T0.AddHours(3)), ("long", T0.AddHours(2))], later.OrderBy(t => t.TokenId, StringComparer.Ordinal));
        Assert.Equal(4, (await Repositories.Feed.ReadAfterAsync(0, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Changes_EveryWriteThatAffectsAccess_AppendsItsEntryInOrder()
    {
        await Repositories.Users.CreateAsync(new UserRecord("u2", "second", "", "", "", "hash", T0, "root", []), CancellationToken.None);
        await Repositories.Apps.CreateAsync(App(1, 0), 10, CancellationToken.None);
        await Repositories.Apps.SetGrantsAsync(ClientId(1), [new ScopeGrant(Scopes.ReadStore, "root", "root-sandbox")], replace: true, 10, CancellationToken.None);
        await Repositories.Apps.UpdateAsync(App(1, 1), CancellationToken.None);
        await Repositories.Organizations.DeleteEnvironmentAsync("root", "root-sandbox", CancellationToken.None);
        await Repositories.Apps.RemoveGrantsAsync(ClientId(1), [], CancellationToken.None);
        await Repositories.Feed.RevokeTokenAsync("tok", T0.AddHours(1), CancellationToken.None);
        await Repositories.Users.DeleteAsync("u2", CancellationToken.None);
        await Repositories.Apps.DeleteAsync(ClientId(1), CancellationToken.None);

        var changes = await Repositories.Feed.ReadAfterAsync(0, 100, CancellationToken.None);

        Assert.Equal(
            [
                (AccessChangeKind.App, "client-1"), (AccessChangeKind.App, "client-1"), (AccessChangeKind.App, "client-1"),
                (AccessChangeKind.App, "client-1"), (AccessChangeKind.Directory, "root-sandbox"), (AccessChangeKind.App, "client-1"),
                (AccessChangeKind.Token, "tok"), (AccessChangeKind.User, "u2"), (AccessChangeKind.App, "client-1"),
            ],
            changes.Select(c => (c.Kind, c.Subject)));
        Assert.Equal(changes.OrderBy(c => c.Sequence), changes);
    }

    // Polls as a node does, until told to stop; then reads once more, to the end.
    private async Task<List<AccessChange>> FollowAsync(long from, CancellationToken stop)
    {
        var seen = new List<AccessChange>();
        var last = from;
        while (true)
        {
            var stopping = stop.IsCancellationRequested;
            IReadOnlyList<AccessChange> batch;
            do
            {
                batch = await Repositories.Feed.ReadAfterAsync(last, 7, CancellationToken.None);
                foreach (var change in batch)
                {
                    Assert.True(change.Sequence > last, $"sequence {change.Sequence} read after {last}");
                    seen.Add(change);
                    last = change.Sequence;
                }
            }
            while (batch.Count > 0);

            if (stopping)
            {
                return seen;
            }

            await Task.Yield();
        }
    }

    private static EnvironmentRecord Environment(string id, string name) => new(id, "root", name, EnvironmentTypes.Sandbox, "c-" + id, T0);

    private static string ClientId(int worker) => "client-" + worker.ToString(CultureInfo.InvariantCulture);

    private static string Token(int worker, int i) => FormattableString.Invariant($"token-{worker}-{i}");

    private static ConnectedApp App(int worker, int version) => new(
        ClientId(worker), "App " + worker.ToString(CultureInfo.InvariantCulture), [GrantTypeNames.ClientCredentials], [], [], [], null, Audiences.Internal,
        "root", "user", true, [1, 2, 3], version + 1, T0, T0.AddSeconds(version));
}
