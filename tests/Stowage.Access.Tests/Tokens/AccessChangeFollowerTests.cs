using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Apps;
using Stowage.Access.Tests.Audit;
using Stowage.Access.Tokens;

namespace Stowage.Access.Tests.Tokens;

public sealed class AccessChangeFollowerTests
{
    private readonly TokenFakes _fakes = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddDays(100));
    private readonly AppStateCache _apps;
    private readonly RevokedTokenSet _revoked = new();
    private readonly OrganizationDirectory _directory;
    private readonly AccessChangeFollower _follower;

    public AccessChangeFollowerTests()
    {
        _apps = new AppStateCache(_fakes.Apps);
        _directory = new OrganizationDirectory(_fakes.Organizations, _clock);
        var sessions = new SessionService(
            Stub<ISessionRepository>.Create([]), Stub<IUserRepository>.Create([]), _directory, _clock, TimeSpan.FromHours(1), AuditFakes.SignIns(_clock), new PasswordHasher());
        _follower = new AccessChangeFollower(_fakes.Feed, _apps, _revoked, _directory, sessions, _clock);
    }

    [Fact]
    public async Task Start_LoadsRevokedTokens_AndSkipsChangesAlreadyMade()
    {
        _fakes.Revoked.Add(("jti-1", _clock.GetUtcNow().AddHours(1)));
        _fakes.Append(AccessChangeKind.Token, "jti-old");
        Assert.False(_follower.IsFresh);

        await _follower.StartAsync(CancellationToken.None);

        Assert.True(_follower.IsFresh);
        Assert.True(_revoked.Contains("jti-1"));
        Assert.Equal(0, await _follower.PollAsync(CancellationToken.None));
        Assert.False(_revoked.Contains("jti-old"));
    }

    [Fact]
    public async Task Poll_AppChange_EvictsThatAppOnly()
    {
        _fakes.Stored["a"] = TokenFakes.App("a");
        _fakes.Stored["b"] = TokenFakes.App("b");
        await _follower.StartAsync(CancellationToken.None);
        await _apps.GetAsync("a", false, CancellationToken.None);
        await _apps.GetAsync("b", false, CancellationToken.None);

        _fakes.Append(AccessChangeKind.App, "a");
        Assert.Equal(1, await _follower.PollAsync(CancellationToken.None));
        await _apps.GetAsync("a", false, CancellationToken.None);
        await _apps.GetAsync("b", false, CancellationToken.None);

        Assert.Equal(3, _fakes.AppReads);
    }

    [Fact]
    public async Task Poll_TokenChange_AddsToTheRevokedSet()
    {
        await _follower.StartAsync(CancellationToken.None);
        _fakes.Append(AccessChangeKind.Token, "jti-2");
        await _follower.PollAsync(CancellationToken.None);
        Assert.True(_revoked.Contains("jti-2"));
    }

    [Fact]
    public async Task Poll_DirectoryChange_DropsTheTreeAndEveryAppState()
    {
        _fakes.Stored["a"] = TokenFakes.App("a");
        await _follower.StartAsync(CancellationToken.None);
        await _apps.GetAsync("a", false, CancellationToken.None);
        await _directory.GetAsync(CancellationToken.None);

        _fakes.Append(AccessChangeKind.Directory, "env-1");
        await _follower.PollAsync(CancellationToken.None);
        await _apps.GetAsync("a", false, CancellationToken.None);
        await _directory.GetAsync(CancellationToken.None);

        Assert.Equal(2, _fakes.AppReads);
        Assert.Equal(2, _fakes.DirectoryLoads);
    }

    [Fact]
    public async Task Poll_LongBacklog_IsReadInBatches()
    {
        await _follower.StartAsync(CancellationToken.None);
        for (var i = 0; i < AccessChangeFollower.BatchSize + 7; i++)
        {
            _fakes.Append(AccessChangeKind.Token, "jti-" + i);
        }

        Assert.Equal(AccessChangeFollower.BatchSize + 7, await _follower.PollAsync(CancellationToken.None));
        Assert.Equal(_fakes.Latest, _follower.Sequence);
        Assert.True(_revoked.Contains("jti-" + (AccessChangeFollower.BatchSize + 6)));
    }

    [Fact]
    public async Task Poll_UserChange_DropsThatUsersCachedSessions()
    {
        var finds = 0;
        var user = new UserRecord("u1", "someone", "Some", "One", "s@example.com", "hash", DateTimeOffset.UnixEpoch, "org", []);
        var sessionRepository = Stub<ISessionRepository>.Create(new()
        {
            [nameof(ISessionRepository.FindAsync)] = args =>
            {
                finds++;
                return Task.FromResult<SessionRecord?>(new SessionRecord((string)args[0]!, "u1", _clock.GetUtcNow().AddHours(1), false));
            },
        });
        var users = Stub<IUserRepository>.Create(new() { [nameof(IUserRepository.GetAsync)] = _ => Task.FromResult<UserRecord?>(user) });
        var sessions = new SessionService(sessionRepository, users, _directory, _clock, TimeSpan.FromHours(1), AuditFakes.SignIns(_clock), new PasswordHasher());
        var follower = new AccessChangeFollower(_fakes.Feed, _apps, _revoked, _directory, sessions, _clock);
        await follower.StartAsync(CancellationToken.None);

        Assert.NotNull(await sessions.AuthenticateAsync("token", CancellationToken.None));
        Assert.NotNull(await sessions.AuthenticateAsync("token", CancellationToken.None));
        _fakes.Append(AccessChangeKind.User, "u1");
        await follower.PollAsync(CancellationToken.None);
        Assert.NotNull(await sessions.AuthenticateAsync("token", CancellationToken.None));

        Assert.Equal(2, finds);
    }
}
