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
    public async Task Check_WhileTheFeedIsNotFollowed_ReadsTheAppEveryTime()
    {
        _fakes.Stored["live"] = TokenFakes.App("live");

        // Never started: the caches cannot be trusted, so every check reads.
        await _gate.CheckAsync("live", "jti", 1, CancellationToken.None);
        await _gate.CheckAsync("live", "jti", 1, CancellationToken.None);
        Assert.Equal(2, _fakes.AppReads);

        // Followed again: the last read is kept and served from memory.
        await _follower.StartAsync(CancellationToken.None);
        await _gate.CheckAsync("live", "jti", 1, CancellationToken.None);
        await _gate.CheckAsync("live", "jti", 1, CancellationToken.None);
        Assert.Equal(2, _fakes.AppReads);
    }
}
