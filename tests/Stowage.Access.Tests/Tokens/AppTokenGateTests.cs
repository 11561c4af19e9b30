using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Apps;
using Stowage.Access.Tests.Audit;
using Stowage.Access.Tokens;

namespace Stowage.Access.Tests.Tokens;

public sealed class AppTokenGateTests
{
    private readonly TokenFakes _fakes = new();
    private readonly RevokedTokenSet _revoked = new();
    private readonly AccessChangeFollower _follower;
    private readonly AppTokenGate _gate;

    public AppTokenGateTests()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(100));
        var apps = new AppStateCache(_fakes.Apps);
        var directory = new OrganizationDirectory(_fakes.Organizations, clock);
        var sessions = new SessionService(
            Stub<ISessionRepository>.Create([]), Stub<IUserRepository>.Create([]), directory, clock, TimeSpan.FromHours(1), AuditFakes.SignIns(clock), new PasswordHasher());
        _follower = new AccessChangeFollower(_fakes.Feed, apps, _revoked, directory, sessions, clock);
        _gate = new AppTokenGate(apps, _revoked, _follower);
    }

    public static TheoryData<string, AppTokenStatus> Cases => new()
    {
        { "live", AppTokenStatus.Active },
        { "deleted", AppTokenStatus.AppDeleted },
        { "disabled", AppTokenStatus.AppDisabled },
        { "rekeyed", AppTokenStatus.CredentialsChanged },
        { "user-behalf", AppTokenStatus.GrantNotAllowed },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Check_ReflectsTheAppsState(string clientId, AppTokenStatus expected)
    {
        _fakes.Stored["live"] = TokenFakes.App("live");
        _fakes.Stored["disabled"] = TokenFakes.App("disabled", enabled: false);
        _fakes.Stored["rekeyed"] = TokenFakes.App("rekeyed", credentialVersion: 2);
        _fakes.Stored["user-behalf"] = TokenFakes.App("user-behalf", grantTypes: [GrantTypeNames.AuthorizationCode]);
        await _follower.StartAsync(CancellationToken.None);

        var check = await _gate.CheckAsync(clientId, "jti", credentialVersion: 1, CancellationToken.None);

        Assert.Equal(expected, check.Status);
    }

    [Fact]
    public async Task Check_RevokedToken_IsRevokedWithoutReadingTheApp()
    {
        _fakes.Stored["live"] = TokenFakes.App("live");
        await _follower.StartAsync(CancellationToken.None);
        _revoked.Add("jti", DateTimeOffset.MaxValue);

        var check = await _gate.CheckAsync("live", "jti", 1, CancellationToken.None);

        Assert.Equal(AppTokenStatus.Revoked, check.Status);
        Assert.Equal(0, _fakes.AppReads);
    }

    [Fact]
    public async Task Check_BeforeTheFeedIsFollowed_StartsFollowingIt()
    {
        _fakes.Stored["live"] = TokenFakes.App("live");
        _fakes.Revoked.Add(("revoked-jti", DateTimeOffset.MaxValue));
        Assert.False(_follower.IsFresh);

        // The first check reads the log's position and the revoked tokens before it trusts memory.
        Assert.Equal(AppTokenStatus.Revoked, (await _gate.CheckAsync("live", "revoked-jti", 1, CancellationToken.None)).Status);
        Assert.True(_follower.IsFresh);
        Assert.Equal(AppTokenStatus.Active, (await _gate.CheckAsync("live", "jti", 1, CancellationToken.None)).Status);
        Assert.Equal(AppTokenStatus.Active, (await _gate.CheckAsync("live", "jti", 1, CancellationToken.None)).Status);
        Assert.Equal(1, _fakes.AppReads);
    }

    [Fact]
    public async Task Check_AfterThePollerFellBehind_ReadsTheLogBeforeAnswering()
    {
        _fakes.Stored["live"] = TokenFakes.App("live");
        await _follower.StartAsync(CancellationToken.None);
        Assert.Equal(AppTokenStatus.Active, (await _gate.CheckAsync("live", "jti", 1, CancellationToken.None)).Status);

        // Revoked on another node; this node's poller does not run (a stalled host) until the caches go stale.
        _fakes.Append(AccessChangeKind.Token, "jti");
        await UntilStaleAsync();

        Assert.Equal(AppTokenStatus.Revoked, (await _gate.CheckAsync("live", "jti", 1, CancellationToken.None)).Status);
        Assert.True(_follower.IsFresh);
    }

    [Fact]
    public async Task Check_ManyCallersOfAStaleNode_ShareOneReadOfTheLog()
    {
        _fakes.Stored["live"] = TokenFakes.App("live");
        await _follower.StartAsync(CancellationToken.None);
        _fakes.Append(AccessChangeKind.Token, "jti");
        await UntilStaleAsync();
        _fakes.FeedGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var checks = Enumerable.Range(0, 20).Select(_ => _gate.CheckAsync("live", "jti", 1, CancellationToken.None).AsTask()).ToArray();
        var guard = System.Diagnostics.Stopwatch.StartNew();
        while (_fakes.FeedReads == 0)
        {
            Assert.True(guard.Elapsed < TimeSpan.FromSeconds(30), "no check read the log");
            await Task.Delay(10);
        }

        _fakes.FeedGate.SetResult();
        var statuses = await Task.WhenAll(checks);

        Assert.All(statuses, check => Assert.Equal(AppTokenStatus.Revoked, check.Status));
        Assert.Equal(1, _fakes.FeedReads);
    }

    [Fact]
    public async Task Check_WhileTheLogCannotBeRead_FailsRatherThanTrustMemory()
    {
        _fakes.Stored["live"] = TokenFakes.App("live");
        await _follower.StartAsync(CancellationToken.None);
        await UntilStaleAsync();
        _fakes.FeedFailure = new IOException("the database is unreachable");

        await Assert.ThrowsAsync<IOException>(() => _gate.CheckAsync("live", "jti", 1, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<IOException>(() => _gate.CheckAsync("live", "jti", 1, CancellationToken.None).AsTask());

        // Back: the next check catches up and answers from memory again.
        _fakes.FeedFailure = null;
        Assert.Equal(AppTokenStatus.Active, (await _gate.CheckAsync("live", "jti", 1, CancellationToken.None)).Status);
        Assert.True(_follower.IsFresh);
    }

    /// <summary>Waits until the last poll is older than <see cref="AccessChangeFollower.StaleAfter"/> (a real-time clock, by design).</summary>
    private async Task UntilStaleAsync()
    {
        var guard = System.Diagnostics.Stopwatch.StartNew();
        while (_follower.IsFresh)
        {
            Assert.True(guard.Elapsed < TimeSpan.FromSeconds(30), "the follower never went stale");
            await Task.Delay(50);
        }
    }
}
