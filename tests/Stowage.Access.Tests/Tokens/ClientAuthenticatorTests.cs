using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Stowage.Access.Apps;
using Stowage.Access.Tests.Audit;
using Stowage.Access.Tokens;
using Stowage.Core.Security;

namespace Stowage.Access.Tests.Tokens;

public sealed class ClientAuthenticatorTests
{
    private const string Secret = "3fA9c0D2e4B6a8C0d2E4f6A8b0C2d4E6";
    private const string NewSecret = "9bE1d3F5a7C9e1B3d5F7a9C1e3B5d7F9";

    private readonly TokenFakes _fakes = new();
    private readonly AesGcmSecretProtector _protector = new(new AesGcmProtector(RandomNumberGenerator.GetBytes(AesGcmProtector.KeySize), 1));
    private readonly AppStateCache _cache;
    private readonly AccessChangeFollower _follower;
    private readonly ClientAuthenticator _authenticator;
    private int _decryptions;

    public ClientAuthenticatorTests()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(100));
        _cache = new AppStateCache(_fakes.Apps);
        var directory = new OrganizationDirectory(_fakes.Organizations, clock);
        var sessions = new SessionService(
            Stub<ISessionRepository>.Create([]), Stub<IUserRepository>.Create([]), directory, clock, TimeSpan.FromHours(1), AuditFakes.SignIns(clock), new PasswordHasher());
        _follower = new AccessChangeFollower(_fakes.Feed, _cache, new RevokedTokenSet(), directory, sessions, clock);
        var counting = Stub<ISecretProtector>.Create(new()
        {
            [nameof(ISecretProtector.Unprotect)] = args =>
            {
                Interlocked.Increment(ref _decryptions);
                return _protector.Unprotect((byte[])args[0]!, (string)args[1]!);
            },
        });
        _authenticator = new ClientAuthenticator(_cache, _follower, counting);
    }

    [Fact]
    public async Task RightSecret_ManyTimes_ReadsAndDecryptsOnce()
    {
        Store("a", Secret);
        await _follower.StartAsync(CancellationToken.None);

        for (var i = 0; i < 5; i++)
        {
            var result = await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None);
            Assert.Equal(ClientAuthenticationStatus.Authenticated, result.Status);
            Assert.Equal("a", result.App!.ClientId);
        }

        Assert.Equal((1, 1), (_fakes.AppReads, _decryptions));
    }

    [Theory]
    [InlineData("a", Secret + "x", ClientAuthenticationStatus.WrongSecret)]
    [InlineData("a", "3FA9C0D2E4B6A8C0D2E4F6A8B0C2D4E6", ClientAuthenticationStatus.WrongSecret)]
    [InlineData("a", "", ClientAuthenticationStatus.NoSecret)]
    [InlineData("a", null, ClientAuthenticationStatus.NoSecret)]
    [InlineData("nobody", Secret, ClientAuthenticationStatus.UnknownClient)]
    public async Task BadCredentials_AreRefusedWithTheReason(string clientId, string? secret, ClientAuthenticationStatus expected)
    {
        Store("a", Secret);
        await _follower.StartAsync(CancellationToken.None);

        var result = await _authenticator.AuthenticateAsync(clientId, secret, CancellationToken.None);

        Assert.Equal(expected, result.Status);
        Assert.False(result.Succeeded);
        Assert.Equal(clientId == "a" ? "a" : null, result.App?.ClientId);
    }

    [Fact]
    public async Task UnknownClientIds_AreNotKept()
    {
        await _follower.StartAsync(CancellationToken.None);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(ClientAuthenticationStatus.UnknownClient, (await _authenticator.AuthenticateAsync("made-up-" + i, Secret, CancellationToken.None)).Status);
        }

        Assert.Equal((0, 100), (_cache.Count, _fakes.AppReads));
    }

    [Fact]
    public async Task SecretReset_EvictedOnThisNode_OldSecretRefusedAndNewAcceptedAtOnce()
    {
        Store("a", Secret);
        await _follower.StartAsync(CancellationToken.None);
        Assert.True((await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None)).Succeeded);

        Store("a", NewSecret, credentialVersion: 2);
        _cache.Evict("a");

        Assert.Equal(ClientAuthenticationStatus.WrongSecret, (await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None)).Status);
        var renewed = await _authenticator.AuthenticateAsync("a", NewSecret, CancellationToken.None);
        Assert.True(renewed.Succeeded);
        Assert.Equal(2, renewed.App!.CredentialVersion);
    }

    [Fact]
    public async Task SecretReset_OnAnotherNode_SeenThroughTheChangeFeed()
    {
        Store("a", Secret);
        await _follower.StartAsync(CancellationToken.None);
        Assert.True((await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None)).Succeeded);

        Store("a", NewSecret, credentialVersion: 2);
        _fakes.Append(AccessChangeKind.App, "a");
        Assert.True((await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None)).Succeeded);
        await _follower.PollAsync(CancellationToken.None);

        Assert.Equal(ClientAuthenticationStatus.WrongSecret, (await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None)).Status);
        Assert.True((await _authenticator.AuthenticateAsync("a", NewSecret, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task DisabledApp_RightSecret_AuthenticatesAndReportsTheAppDisabled()
    {
        Store("a", Secret, enabled: false);
        await _follower.StartAsync(CancellationToken.None);

        var result = await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.False(result.App!.Enabled);
    }

    [Fact]
    public async Task FeedNotFollowed_ReadsTheAppOnEveryRequest()
    {
        // The follower never started: the cache cannot be trusted (fail closed).
        Store("a", Secret);

        Assert.True((await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None)).Succeeded);
        Assert.True((await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None)).Succeeded);

        Assert.Equal(2, _fakes.AppReads);
    }

    [Fact]
    public async Task UndecryptableSecret_RefusedWithoutDecryptingOnEveryAttempt()
    {
        var other = new AesGcmSecretProtector(new AesGcmProtector(RandomNumberGenerator.GetBytes(AesGcmProtector.KeySize), 1));
        _fakes.Stored["a"] = TokenFakes.App("a") with { SecretCiphertext = other.Protect(Secret, "a") };
        await _follower.StartAsync(CancellationToken.None);

        Assert.Equal(ClientAuthenticationStatus.SecretUndecryptable, (await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None)).Status);
        Assert.Equal(ClientAuthenticationStatus.SecretUndecryptable, (await _authenticator.AuthenticateAsync("a", Secret, CancellationToken.None)).Status);

        Assert.Equal(1, _decryptions);
    }

    private void Store(string clientId, string secret, int credentialVersion = 1, bool enabled = true) =>
        _fakes.Stored[clientId] = TokenFakes.App(clientId, enabled, credentialVersion) with { SecretCiphertext = _protector.Protect(secret, clientId) };
}
