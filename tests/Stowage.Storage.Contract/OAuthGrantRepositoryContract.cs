using System.Globalization;
using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Access.Grants;

namespace Stowage.Storage.Contract;

/// <summary>The repositories the grant contract touches, over the same storage.</summary>
public sealed record GrantRepositories(
    IOrganizationRepository Organizations, IUserRepository Users, IConnectedAppRepository Apps, IAccessChangeFeed Feed, IOAuthGrantRepository Grants);

/// <summary>
/// The behaviour every backend's OAuth grant repository must show: exact round trips, filters
/// and their order, compare-and-set updates that hold under racing callers on several nodes,
/// revocations that fail a racing redemption and announce themselves on the access change
/// feed, pruning, and the deletions of apps, users and organizations taking their grants along.
/// </summary>
public abstract class OAuthGrantRepositoryContract : IAsyncLifetime
{
    private const int Racers = 16;
    private const string Valid = "valid";
    private const string Revoked = "revoked";
    private const string Permanent = "permanent";
    private const string AdHoc = "ad-hoc";
    private const string RefreshToken = "refresh_token";
    private const string AuthorizationCode = "authorization_code";

    // Milliseconds included, so a backend that keeps only seconds is caught.
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);

    private GrantRepositories? _repositories;

    private GrantRepositories Repositories =>
        _repositories ?? throw new InvalidOperationException("InitializeAsync has not run.");

    private IOAuthGrantRepository Grants => Repositories.Grants;

    /// <summary>Fresh, empty storage with every repository over it, used by exactly one test.</summary>
    protected abstract Task<GrantRepositories> CreateRepositoriesAsync();

    /// <summary>
    /// Another node's grant repository over the same storage (on PostgreSQL a backend of its own,
    /// with its own connection pool, as another machine has); released with the storage.
    /// </summary>
    protected abstract Task<IOAuthGrantRepository> OpenNodeAsync();

    protected virtual Task DisposeRepositoriesAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _repositories = await CreateRepositoriesAsync();
        var root = new Organization("root", "Root", null, "admin", "c-root", T0, T0);
        var admin = new UserRecord("admin", "admin", "", "", "", "hash", T0, "root", ["root"]);
        EnvironmentRecord[] environments = [new("root-sandbox", "root", "Sandbox", EnvironmentTypes.Sandbox, "c-root-sandbox", T0)];
        await Repositories.Organizations.BootstrapAsync(root, environments, admin, CancellationToken.None);
    }

    public Task DisposeAsync() => DisposeRepositoriesAsync();

    [Fact]
    public async Task CreateAuthorization_ThenGet_EveryFieldRoundTrips()
    {
        var full = new OAuthAuthorization("a1", "c1", "u1", Permanent, Valid, ["openid", "offline_access", "read:stores"], """{"k":["v",1]}""", T0.ToOffset(TimeSpan.FromHours(2)), "v1");
        var bare = new OAuthAuthorization("a2", "c2", "u2", AdHoc, Revoked, [], null, T0.AddMilliseconds(1), "v2");

        await Grants.CreateAuthorizationAsync(full, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(bare, CancellationToken.None);

        AssertAuthorization(full, await Grants.GetAuthorizationAsync("a1", CancellationToken.None));
        AssertAuthorization(bare, await Grants.GetAuthorizationAsync("a2", CancellationToken.None));
        Assert.Null(await Grants.GetAuthorizationAsync("A1", CancellationToken.None));
        Assert.Null(await Grants.GetAuthorizationAsync("unknown", CancellationToken.None));
    }

    [Fact]
    public async Task CreateToken_ThenGet_EveryFieldRoundTrips()
    {
        var full = new OAuthToken(
            "t1", "c1", "a1", "u1", "access_token", "redeemed", "ref-1", "payload \u00e9\u4e2d", """{"p":true}""",
            T0.ToOffset(TimeSpan.FromHours(-5)), T0.AddHours(1).AddMilliseconds(7), T0.AddMinutes(3).AddMilliseconds(999), "v1");
        var bare = new OAuthToken("t2", null, null, null, AuthorizationCode, Valid, null, null, null, T0.AddMilliseconds(1), null, null, "v2");

        await Grants.CreateTokenAsync(full, CancellationToken.None);
        await Grants.CreateTokenAsync(bare, CancellationToken.None);

        AssertToken(full, await Grants.GetTokenAsync("t1", CancellationToken.None));
        AssertToken(bare, await Grants.GetTokenAsync("t2", CancellationToken.None));
        Assert.Null(await Grants.GetTokenAsync("T1", CancellationToken.None));
        AssertToken(full, await Grants.FindTokenByReferenceIdAsync("ref-1", CancellationToken.None));
        Assert.Null(await Grants.FindTokenByReferenceIdAsync("REF-1", CancellationToken.None));
        Assert.Null(await Grants.FindTokenByReferenceIdAsync("unknown", CancellationToken.None));
    }

    [Fact]
    public async Task CreateAndUpdate_TimeWithSubMillisecondTicks_StoredInUtcToTheMillisecond()
    {
        var precise = T0.AddTicks(4567).ToOffset(TimeSpan.FromHours(9));
        await Grants.CreateTokenAsync(Token("t1", null) with { CreatedAt = precise, ExpiresAt = precise, RedeemedAt = precise }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a1") with { CreatedAt = precise }, CancellationToken.None);

        var token = (await Grants.GetTokenAsync("t1", CancellationToken.None))!;
        var authorization = (await Grants.GetAuthorizationAsync("a1", CancellationToken.None))!;

        foreach (var time in new[] { token.CreatedAt, token.ExpiresAt!.Value, token.RedeemedAt!.Value, authorization.CreatedAt })
        {
            Assert.Equal(T0.UtcTicks, time.UtcTicks);
            Assert.Equal(TimeSpan.Zero, time.Offset);
        }
    }

    [Fact]
    public async Task CreateToken_ReferenceIdTaken_RefusedAndFirstKept()
    {
        await Grants.CreateTokenAsync(Token("t1", null) with { ReferenceId = "ref" }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t2", null), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t3", null), CancellationToken.None);

        await Assert.ThrowsAnyAsync<Exception>(() => Grants.CreateTokenAsync(Token("t4", null) with { ReferenceId = "ref" }, CancellationToken.None));

        Assert.Equal("t1", (await Grants.FindTokenByReferenceIdAsync("ref", CancellationToken.None))!.Id);
        Assert.Null(await Grants.GetTokenAsync("t4", CancellationToken.None));
    }

    [Fact]
    public async Task FindAuthorizations_EveryCombinationOfFilterMembers_MatchesExactlyAndInOrder()
    {
        // Every combination of two values per member, created in an order unrelated to their ids.
        var all = new List<OAuthAuthorization>();
        var n = 0;
        foreach (var subject in new[] { "u1", "u2" })
        {
            foreach (var client in new[] { "c1", "c2" })
            {
                foreach (var status in new[] { Valid, Revoked })
                {
                    foreach (var type in new[] { Permanent, AdHoc })
                    {
                        var created = T0.AddSeconds((n * 7) % 16);
                        all.Add(new OAuthAuthorization($"a{n:00}", client, subject, type, status, ["openid"], null, created, "v"));
                        n++;
                    }
                }
            }
        }

        foreach (var authorization in all)
        {
            await Grants.CreateAuthorizationAsync(authorization, CancellationToken.None);
        }

        foreach (var subject in new[] { null, "u1", "u2", "U1" })
        {
            foreach (var client in new[] { null, "c1", "c2" })
            {
                foreach (var status in new[] { null, Valid, Revoked })
                {
                    foreach (var type in new[] { null, Permanent, AdHoc })
                    {
                        var filter = new AuthorizationFilter(subject, client, status, type);
                        var expected = all
                            .Where(a => Matches(subject, a.Subject) && Matches(client, a.ClientId) && Matches(status, a.Status) && Matches(type, a.Type))
                            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal)
                            .Select(a => a.Id)
                            .ToArray();

                        var found = await Grants.FindAuthorizationsAsync(filter, 100, CancellationToken.None);

                        Assert.True(expected.SequenceEqual(found.Select(a => a.Id)), $"{filter}: expected [{string.Join(",", expected)}], found [{string.Join(",", found.Select(a => a.Id))}]");
                    }
                }
            }
        }
    }

    [Fact]
    public async Task FindTokens_EveryCombinationOfFilterMembers_MatchesExactlyAndInOrder()
    {
        var all = new List<OAuthToken>();
        var n = 0;
        foreach (var subject in new[] { "u1", "u2" })
        {
            foreach (var client in new[] { "c1", "c2" })
            {
                foreach (var status in new[] { Valid, "redeemed" })
                {
                    foreach (var type in new[] { RefreshToken, AuthorizationCode })
                    {
                        foreach (var authorization in new[] { "a1", "a2" })
                        {
                            all.Add(new OAuthToken($"t{n:00}", client, authorization, subject, type, status, null, null, null, T0.AddSeconds((n * 13) % 32), null, null, "v"));
                            n++;
                        }
                    }
                }
            }
        }

        // Entries with no client, authorization or subject match only filters that leave those out.
        all.Add(new OAuthToken("tn1", null, null, null, RefreshToken, Valid, null, null, null, T0.AddSeconds(3), null, null, "v"));
        all.Add(new OAuthToken("tn2", null, null, null, AuthorizationCode, "redeemed", null, null, null, T0.AddSeconds(3), null, null, "v"));
        foreach (var token in all)
        {
            await Grants.CreateTokenAsync(token, CancellationToken.None);
        }

        foreach (var subject in new[] { null, "u1", "u2" })
        {
            foreach (var client in new[] { null, "c1", "c2" })
            {
                foreach (var status in new[] { null, Valid, "redeemed" })
                {
                    foreach (var type in new[] { null, RefreshToken, AuthorizationCode })
                    {
                        foreach (var authorization in new[] { null, "a1", "a2", "A1" })
                        {
                            var filter = new TokenFilter(subject, client, status, type, authorization);
                            var expected = all
                                .Where(t => Matches(subject, t.Subject) && Matches(client, t.ClientId) && Matches(status, t.Status) && Matches(type, t.Type)
                                    && Matches(authorization, t.AuthorizationId))
                                .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id, StringComparer.Ordinal)
                                .Select(t => t.Id)
                                .ToArray();

                            var found = await Grants.FindTokensAsync(filter, 100, CancellationToken.None);

                            Assert.True(expected.SequenceEqual(found.Select(t => t.Id)), $"{filter}: expected [{string.Join(",", expected)}], found [{string.Join(",", found.Select(t => t.Id))}]");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public async Task Find_SameCreationTime_OrderedByIdOrdinallyAndBoundedByLimit()
    {
        // Ordinal: "B" < "a" < "b".
        foreach (var id in new[] { "b", "a", "B", "c" })
        {
            var created = id == "c" ? T0.AddMilliseconds(-1) : T0;
            await Grants.CreateAuthorizationAsync(Authorization(id) with { CreatedAt = created }, CancellationToken.None);
            await Grants.CreateTokenAsync(Token(id, null) with { CreatedAt = created }, CancellationToken.None);
        }

        Assert.Equal(["c", "B", "a", "b"], (await Grants.FindAuthorizationsAsync(new(), 10, CancellationToken.None)).Select(a => a.Id));
        Assert.Equal(["c", "B"], (await Grants.FindAuthorizationsAsync(new(), 2, CancellationToken.None)).Select(a => a.Id));
        Assert.Empty(await Grants.FindAuthorizationsAsync(new(), 0, CancellationToken.None));
        Assert.Equal(["c", "B", "a", "b"], (await Grants.FindTokensAsync(new(), 10, CancellationToken.None)).Select(t => t.Id));
        Assert.Equal(["c", "B", "a"], (await Grants.FindTokensAsync(new(), 3, CancellationToken.None)).Select(t => t.Id));
        Assert.Empty(await Grants.FindTokensAsync(new(), 0, CancellationToken.None));
        Assert.Equal(["c", "B"], (await Grants.FindAuthorizationsBySubjectsAsync(["u1"], 2, CancellationToken.None)).Select(a => a.Id));
    }

    [Fact]
    public async Task FindAuthorizationsBySubjects_AnyOfTheSubjects_InOrder()
    {
        await Grants.CreateAuthorizationAsync(Authorization("a1", subject: "u1") with { CreatedAt = T0.AddSeconds(3) }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a2", subject: "u2") with { CreatedAt = T0.AddSeconds(1) }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a3", subject: "u3") with { CreatedAt = T0.AddSeconds(2) }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a4", subject: "u1", client: "c2") with { CreatedAt = T0 }, CancellationToken.None);

        Assert.Equal(["a4", "a3", "a1"], (await Grants.FindAuthorizationsBySubjectsAsync(["u1", "u3", "nobody"], 10, CancellationToken.None)).Select(a => a.Id));
        Assert.Equal(["a2"], (await Grants.FindAuthorizationsBySubjectsAsync(new HashSet<string> { "u2" }, 10, CancellationToken.None)).Select(a => a.Id));
        Assert.Equal(["a4"], (await Grants.FindAuthorizationsBySubjectsAsync(["u1", "u3"], 1, CancellationToken.None)).Select(a => a.Id));
        Assert.Empty(await Grants.FindAuthorizationsBySubjectsAsync(["U1"], 10, CancellationToken.None));
        Assert.Empty(await Grants.FindAuthorizationsBySubjectsAsync([], 10, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAuthorization_CompareAndSet_WritesOnlyOnTheExpectedVersion()
    {
        var original = Authorization("a1");
        await Grants.CreateAuthorizationAsync(original, CancellationToken.None);
        var changed = new OAuthAuthorization("a1", "c9", "u9", AdHoc, "inactive", ["x"], """{"n":2}""", T0.AddDays(1), "v2");

        Assert.False(await Grants.UpdateAuthorizationAsync(changed, "stale", CancellationToken.None));
        AssertAuthorization(original, await Grants.GetAuthorizationAsync("a1", CancellationToken.None));

        Assert.True(await Grants.UpdateAuthorizationAsync(changed, original.Version, CancellationToken.None));
        AssertAuthorization(changed, await Grants.GetAuthorizationAsync("a1", CancellationToken.None));

        Assert.False(await Grants.UpdateAuthorizationAsync(changed with { Version = "v3" }, original.Version, CancellationToken.None));
        Assert.False(await Grants.UpdateAuthorizationAsync(changed with { Id = "missing", Version = "v3" }, "v2", CancellationToken.None));
        Assert.Null(await Grants.GetAuthorizationAsync("missing", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Grants.UpdateAuthorizationAsync(changed, "v2", CancellationToken.None));
        AssertAuthorization(changed, await Grants.GetAuthorizationAsync("a1", CancellationToken.None));
    }

    [Fact]
    public async Task UpdateToken_CompareAndSet_WritesOnlyOnTheExpectedVersion()
    {
        var original = Token("t1", "a1") with { ReferenceId = "ref", Payload = "p", ExpiresAt = T0.AddHours(1) };
        await Grants.CreateTokenAsync(original, CancellationToken.None);
        var redeemed = original with { Status = "redeemed", RedeemedAt = T0.AddMinutes(1), Payload = null, ReferenceId = null, ExpiresAt = null, Properties = "{}", Version = "v2" };

        Assert.False(await Grants.UpdateTokenAsync(redeemed, "stale", CancellationToken.None));
        AssertToken(original, await Grants.GetTokenAsync("t1", CancellationToken.None));

        Assert.True(await Grants.UpdateTokenAsync(redeemed, original.Version, CancellationToken.None));
        AssertToken(redeemed, await Grants.GetTokenAsync("t1", CancellationToken.None));
        Assert.Null(await Grants.FindTokenByReferenceIdAsync("ref", CancellationToken.None));

        Assert.False(await Grants.UpdateTokenAsync(redeemed with { Version = "v3" }, original.Version, CancellationToken.None));
        Assert.False(await Grants.UpdateTokenAsync(redeemed with { Id = "missing", Version = "v3" }, "v2", CancellationToken.None));
        Assert.Null(await Grants.GetTokenAsync("missing", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Grants.UpdateTokenAsync(redeemed, "v2", CancellationToken.None));
        AssertToken(redeemed, await Grants.GetTokenAsync("t1", CancellationToken.None));
    }

    [Fact]
    public async Task UpdateToken_ConcurrentRedemptionsOfOneVersionOnSeveralNodes_ExactlyOneWins()
    {
        var code = Token("t1", "a1") with { Type = AuthorizationCode };
        await Grants.CreateTokenAsync(code, CancellationToken.None);

        var results = await RaceAsync((grants, i) => grants.UpdateTokenAsync(
            code with { Status = "redeemed", RedeemedAt = T0.AddSeconds(i), Version = "r" + i.ToString(CultureInfo.InvariantCulture) }, code.Version, CancellationToken.None));

        var winner = Assert.Single(Enumerable.Range(0, Racers), i => results[i]);
        var stored = (await Grants.GetTokenAsync("t1", CancellationToken.None))!;
        Assert.Equal(("redeemed", "r" + winner.ToString(CultureInfo.InvariantCulture), T0.AddSeconds(winner)), (stored.Status, stored.Version, stored.RedeemedAt!.Value));
    }

    [Fact]
    public async Task UpdateAuthorization_ConcurrentUpdatesOfOneVersionOnSeveralNodes_ExactlyOneWins()
    {
        var original = Authorization("a1");
        await Grants.CreateAuthorizationAsync(original, CancellationToken.None);

        var results = await RaceAsync((grants, i) => grants.UpdateAuthorizationAsync(
            original with { Scopes = ["s" + i.ToString(CultureInfo.InvariantCulture)], Version = "r" + i.ToString(CultureInfo.InvariantCulture) }, original.Version, CancellationToken.None));

        var winner = Assert.Single(Enumerable.Range(0, Racers), i => results[i]);
        var stored = (await Grants.GetAuthorizationAsync("a1", CancellationToken.None))!;
        Assert.Equal("r" + winner.ToString(CultureInfo.InvariantCulture), stored.Version);
        Assert.Equal(["s" + winner.ToString(CultureInfo.InvariantCulture)], stored.Scopes);
    }

    [Fact]
    public async Task RevokeAuthorizations_ByFilter_RevokesThemAndEveryTokenOfEachAndAnnouncesEach()
    {
        await Grants.CreateAuthorizationAsync(Authorization("a1"), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a2", type: AdHoc), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a3", client: "c2"), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a4", subject: "u2"), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a5") with { Status = Revoked }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t1", "a1"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t2", "a1") with { Status = "redeemed" }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t3", "a2"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t4", "a3", client: "c2"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t5", "a4", subject: "u2"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t6", "a5"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t7", "a1") with { Status = Revoked }, CancellationToken.None);
        var before = await SnapshotAsync();
        var start = await Repositories.Feed.LatestSequenceAsync(CancellationToken.None);

        var revoked = await Grants.RevokeAuthorizationsAsync(new AuthorizationFilter(Subject: "u1", ClientId: "c1"), CancellationToken.None);

        Assert.Equal(2, revoked);
        var after = await SnapshotAsync();
        foreach (var id in new[] { "a1", "a2", "t1", "t2", "t3", "t6" })
        {
            Assert.Equal(Revoked, after[id].Status);
            Assert.NotEqual(before[id].Version, after[id].Version);
        }

        // Already revoked, or not matching: untouched.
        foreach (var id in new[] { "a3", "a4", "a5", "t4", "t5", "t7" })
        {
            Assert.Equal(before[id], after[id]);
        }

        // a5 was revoked already, but one of its tokens was not: its tokens stop too.
        Assert.Equal(
            [(AccessChangeKind.Authorization, "a1"), (AccessChangeKind.Authorization, "a2"), (AccessChangeKind.Authorization, "a5")],
            (await Repositories.Feed.ReadAfterAsync(start, 100, CancellationToken.None)).Select(c => (c.Kind, c.Subject)).Order());

        var again = await Repositories.Feed.LatestSequenceAsync(CancellationToken.None);
        Assert.Equal(0, await Grants.RevokeAuthorizationsAsync(new AuthorizationFilter(Subject: "u1", ClientId: "c1"), CancellationToken.None));
        Assert.Empty(await Repositories.Feed.ReadAfterAsync(again, 100, CancellationToken.None));
        Assert.Equal(after, await SnapshotAsync());
    }

    [Fact]
    public async Task RevokeAuthorizations_FilterOnStatusAndType_MatchesBeforeRevoking()
    {
        await Grants.CreateAuthorizationAsync(Authorization("a1", type: AdHoc), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a2", type: AdHoc, subject: "u2"), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a3"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t1", "a2"), CancellationToken.None);

        Assert.Equal(2, await Grants.RevokeAuthorizationsAsync(new AuthorizationFilter(Status: Valid, Type: AdHoc), CancellationToken.None));

        Assert.Equal(["a1", "a2"], (await Grants.FindAuthorizationsAsync(new AuthorizationFilter(Status: Revoked), 10, CancellationToken.None)).Select(a => a.Id));
        Assert.Equal(Valid, (await Grants.GetAuthorizationAsync("a3", CancellationToken.None))!.Status);
        Assert.Equal(Revoked, (await Grants.GetTokenAsync("t1", CancellationToken.None))!.Status);
        Assert.Equal(0, await Grants.RevokeAuthorizationsAsync(new AuthorizationFilter(Subject: "nobody"), CancellationToken.None));
    }

    [Fact]
    public async Task RevokeTokens_ByFilter_RevokesMatchingAndAnnouncesTheirAuthorizations()
    {
        await Grants.CreateTokenAsync(Token("t1", "a1"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t2", "a1") with { Type = AuthorizationCode, Status = "redeemed" }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t3", "a2"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t4", null), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t5", "a3") with { Status = Revoked }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t6", "a4", client: "c2"), CancellationToken.None);
        var before = await SnapshotAsync();
        var start = await Repositories.Feed.LatestSequenceAsync(CancellationToken.None);

        Assert.Equal(4, await Grants.RevokeTokensAsync(new TokenFilter(ClientId: "c1"), CancellationToken.None));

        var after = await SnapshotAsync();
        foreach (var id in new[] { "t1", "t2", "t3", "t4" })
        {
            Assert.Equal(Revoked, after[id].Status);
            Assert.NotEqual(before[id].Version, after[id].Version);
        }

        Assert.Equal(before["t5"], after["t5"]);
        Assert.Equal(before["t6"], after["t6"]);
        Assert.Equal(
            [(AccessChangeKind.Authorization, "a1"), (AccessChangeKind.Authorization, "a2")],
            (await Repositories.Feed.ReadAfterAsync(start, 100, CancellationToken.None)).Select(c => (c.Kind, c.Subject)).Order());

        Assert.Equal(1, await Grants.RevokeTokensAsync(new TokenFilter(AuthorizationId: "a4", Type: RefreshToken), CancellationToken.None));
        Assert.Equal(0, await Grants.RevokeTokensAsync(new TokenFilter(AuthorizationId: "a4"), CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAuthorization_StatusChanged_Announced()
    {
        var original = Authorization("a1");
        await Grants.CreateAuthorizationAsync(original, CancellationToken.None);
        var start = await Repositories.Feed.LatestSequenceAsync(CancellationToken.None);

        Assert.True(await Grants.UpdateAuthorizationAsync(original with { Scopes = ["more"], Version = "v2" }, original.Version, CancellationToken.None));
        Assert.Empty(await Repositories.Feed.ReadAfterAsync(start, 100, CancellationToken.None));
        Assert.True(await Grants.UpdateAuthorizationAsync(original with { Status = Revoked, Version = "v3" }, "v2", CancellationToken.None));

        var change = Assert.Single(await Repositories.Feed.ReadAfterAsync(start, 100, CancellationToken.None));
        Assert.Equal((AccessChangeKind.Authorization, "a1"), (change.Kind, change.Subject));
    }

    [Fact]
    public async Task Redemption_RacingARevocation_LoserRefusedAndStateConsistent()
    {
        var other = await OpenNodeAsync();
        for (var round = 0; round < 8; round++)
        {
            var suffix = round.ToString(CultureInfo.InvariantCulture);
            var authorization = Authorization("a" + suffix, subject: "u" + suffix);
            var token = Token("t" + suffix, authorization.Id, subject: authorization.Subject);
            await Grants.CreateAuthorizationAsync(authorization, CancellationToken.None);
            await Grants.CreateTokenAsync(token, CancellationToken.None);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var redeem = Task.Run(async () =>
            {
                await gate.Task;
                return await Grants.UpdateTokenAsync(token with { Status = "redeemed", RedeemedAt = T0.AddMinutes(1), Version = "redeemed" }, token.Version, CancellationToken.None);
            });
            var revoke = Task.Run(async () =>
            {
                await gate.Task;
                return await other.RevokeAuthorizationsAsync(new AuthorizationFilter(Subject: authorization.Subject), CancellationToken.None);
            });
            gate.SetResult();
            var (redeemed, revoked) = (await redeem, await revoke);

            Assert.Equal(1, revoked);
            var stored = (await Grants.GetTokenAsync(token.Id, CancellationToken.None))!;
            Assert.Equal(Revoked, stored.Status);
            Assert.NotEqual(token.Version, stored.Version);
            Assert.NotEqual("redeemed", stored.Version);

            // The redemption either went first (and the revocation then revoked the redeemed entry) or was refused and left no trace.
            Assert.Equal(redeemed ? T0.AddMinutes(1) : null, stored.RedeemedAt);
            Assert.False(await Grants.UpdateTokenAsync(token with { Status = "redeemed", Version = "late" }, token.Version, CancellationToken.None));
            Assert.Equal(Revoked, (await Grants.GetAuthorizationAsync(authorization.Id, CancellationToken.None))!.Status);
        }
    }

    [Fact]
    public async Task DeleteAuthorization_DeletesItsTokensAndAnnouncesIt()
    {
        await Grants.CreateAuthorizationAsync(Authorization("a1"), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a2"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t1", "a1"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t2", "a1") with { ReferenceId = "ref" }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t3", "a2"), CancellationToken.None);
        var start = await Repositories.Feed.LatestSequenceAsync(CancellationToken.None);

        Assert.True(await Grants.DeleteAuthorizationAsync("a1", CancellationToken.None));

        Assert.Null(await Grants.GetAuthorizationAsync("a1", CancellationToken.None));
        Assert.Null(await Grants.GetTokenAsync("t1", CancellationToken.None));
        Assert.Null(await Grants.FindTokenByReferenceIdAsync("ref", CancellationToken.None));
        Assert.Equal(["t3"], (await Grants.FindTokensAsync(new(), 10, CancellationToken.None)).Select(t => t.Id));
        Assert.NotNull(await Grants.GetAuthorizationAsync("a2", CancellationToken.None));
        var change = Assert.Single(await Repositories.Feed.ReadAfterAsync(start, 100, CancellationToken.None));
        Assert.Equal((AccessChangeKind.Authorization, "a1"), (change.Kind, change.Subject));
        Assert.False(await Grants.DeleteAuthorizationAsync("a1", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteToken_DeletesOnlyThatEntry()
    {
        await Grants.CreateTokenAsync(Token("t1", "a1"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t2", "a1"), CancellationToken.None);

        Assert.True(await Grants.DeleteTokenAsync("t1", CancellationToken.None));
        Assert.False(await Grants.DeleteTokenAsync("t1", CancellationToken.None));

        Assert.Equal(["t2"], (await Grants.FindTokensAsync(new(), 10, CancellationToken.None)).Select(t => t.Id));
    }

    [Fact]
    public async Task Prune_RemovesWhatCanNoLongerBeUsedCreatedBeforeTheThreshold()
    {
        var threshold = T0.AddDays(1);
        var now = T0.AddDays(2);
        var old = T0;
        var recent = threshold.AddMinutes(1);

        // Removed: expired, not valid, an authorization not valid with its tokens, ad-hoc ones left without a token.
        await Grants.CreateTokenAsync(Token("expired", null) with { CreatedAt = old, ExpiresAt = now.AddMilliseconds(-1) }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("redeemed", null) with { CreatedAt = old, Status = "redeemed" }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("revoked") with { CreatedAt = old, Status = Revoked }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("of-revoked", "revoked") with { CreatedAt = recent }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("adhoc-empty", type: AdHoc) with { CreatedAt = old }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("adhoc-emptied", type: AdHoc) with { CreatedAt = old }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("of-emptied", "adhoc-emptied") with { CreatedAt = old, ExpiresAt = old.AddHours(1) }, CancellationToken.None);

        // Kept: valid and unexpired, created after the threshold, permanent and valid, ad-hoc with a token left.
        await Grants.CreateTokenAsync(Token("live", null) with { CreatedAt = old, ExpiresAt = now.AddMilliseconds(1) }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("never-expires", null) with { CreatedAt = old }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("recent-redeemed", null) with { CreatedAt = recent, Status = "redeemed" }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("recent-expired", null) with { CreatedAt = recent, ExpiresAt = now.AddDays(-1) }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("permanent") with { CreatedAt = old }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("recent-revoked") with { CreatedAt = recent, Status = Revoked }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("recent-adhoc", type: AdHoc) with { CreatedAt = recent }, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("adhoc-used", type: AdHoc) with { CreatedAt = old }, CancellationToken.None);
        await Grants.CreateTokenAsync(Token("of-used", "adhoc-used") with { CreatedAt = old }, CancellationToken.None);

        Assert.Equal(7, await Grants.PruneAsync(threshold, now, CancellationToken.None));

        Assert.Equal(
            ["adhoc-used", "permanent", "recent-adhoc", "recent-revoked"],
            (await Grants.FindAuthorizationsAsync(new(), 100, CancellationToken.None)).Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["live", "never-expires", "of-used", "recent-expired", "recent-redeemed"],
            (await Grants.FindTokensAsync(new(), 100, CancellationToken.None)).Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.Equal(0, await Grants.PruneAsync(threshold, now, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteApp_DeletesItsAuthorizationsAndTokenEntries()
    {
        await Repositories.Apps.CreateAsync(App("c1"), 10, CancellationToken.None);
        await Repositories.Apps.CreateAsync(App("c2"), 10, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a1", client: "c1"), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a2", client: "c2"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t1", "a1", client: "c1"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t2", null, client: "c1"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t3", "a1", client: null), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t4", "a2", client: "c2"), CancellationToken.None);

        Assert.True(await Repositories.Apps.DeleteAsync("c1", CancellationToken.None));

        Assert.Equal(["a2"], (await Grants.FindAuthorizationsAsync(new(), 10, CancellationToken.None)).Select(a => a.Id));
        Assert.Equal(["t4"], (await Grants.FindTokensAsync(new(), 10, CancellationToken.None)).Select(t => t.Id));
    }

    [Fact]
    public async Task DeleteOrganization_DeletesTheGrantsOfTheAppsItOwned()
    {
        await Repositories.Organizations.CreateOrganizationAsync(new Organization("group", "Group", "root", "admin", "c-group", T0, T0), [], 10, CancellationToken.None);
        await Repositories.Apps.CreateAsync(App("c1") with { OwnerOrgId = "group" }, 10, CancellationToken.None);
        await Repositories.Apps.CreateAsync(App("c2"), 10, CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a1", client: "c1"), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a2", client: "c2"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t1", "a1", client: "c1"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t2", "a1", client: null), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t3", "a2", client: "c2"), CancellationToken.None);

        Assert.Equal(DirectoryOutcome.Done, await Repositories.Organizations.DeleteOrganizationAsync("group", CancellationToken.None));

        Assert.Null(await Repositories.Apps.GetAsync("c1", CancellationToken.None));
        Assert.Equal(["a2"], (await Grants.FindAuthorizationsAsync(new(), 10, CancellationToken.None)).Select(a => a.Id));
        Assert.Equal(["t3"], (await Grants.FindTokensAsync(new(), 10, CancellationToken.None)).Select(t => t.Id));
    }

    [Fact]
    public async Task DeleteUser_DeletesTheAuthorizationsAndTokenEntriesOfThatSubject()
    {
        await Repositories.Users.CreateAsync(new UserRecord("u1", "one", "", "", "", "hash", T0, "root", []), CancellationToken.None);
        await Repositories.Users.CreateAsync(new UserRecord("u2", "two", "", "", "", "hash", T0, "root", []), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a1", subject: "u1"), CancellationToken.None);
        await Grants.CreateAuthorizationAsync(Authorization("a2", subject: "u2"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t1", "a1", subject: "u1"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t2", null, subject: "u1"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t3", "a1", subject: null), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t4", "a2", subject: "u2"), CancellationToken.None);
        await Grants.CreateTokenAsync(Token("t5", null, subject: null), CancellationToken.None);

        Assert.True(await Repositories.Users.DeleteAsync("u1", CancellationToken.None));

        Assert.Equal(["a2"], (await Grants.FindAuthorizationsAsync(new(), 10, CancellationToken.None)).Select(a => a.Id));
        Assert.Equal(["t4", "t5"], (await Grants.FindTokensAsync(new(), 10, CancellationToken.None)).Select(t => t.Id));
    }

    /// <summary>Runs <see cref="Racers"/> calls at once, spread over four nodes, all released together.</summary>
    private async Task<bool[]> RaceAsync(Func<IOAuthGrantRepository, int, Task<bool>> call)
    {
        var nodes = new List<IOAuthGrantRepository> { Grants };
        for (var i = 1; i < 4; i++)
        {
            nodes.Add(await OpenNodeAsync());
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, Racers).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await call(nodes[i % nodes.Count], i);
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(racers);
    }

    /// <summary>Every stored record by id, with its status and version.</summary>
    private async Task<Dictionary<string, (string Status, string Version)>> SnapshotAsync()
    {
        var authorizations = await Grants.FindAuthorizationsAsync(new(), 1000, CancellationToken.None);
        var tokens = await Grants.FindTokensAsync(new(), 1000, CancellationToken.None);
        return authorizations.Select(a => (a.Id, a.Status, a.Version))
            .Concat(tokens.Select(t => (t.Id, t.Status, t.Version)))
            .ToDictionary(r => r.Id, r => (r.Status, r.Version), StringComparer.Ordinal);
    }

    private static bool Matches(string? filter, string? value) => filter is null || string.Equals(filter, value, StringComparison.Ordinal);

    private static void AssertAuthorization(OAuthAuthorization expected, OAuthAuthorization? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Scopes, actual.Scopes);
        Assert.Equal(expected with { Scopes = [] }, actual with { Scopes = [] }, AuthorizationFields.Instance);
        Assert.Equal(expected.CreatedAt.UtcTicks, actual.CreatedAt.UtcTicks);
    }

    private static void AssertToken(OAuthToken expected, OAuthToken? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected, actual);
        Assert.Equal(
            (expected.CreatedAt.UtcTicks, expected.ExpiresAt?.UtcTicks, expected.RedeemedAt?.UtcTicks),
            (actual.CreatedAt.UtcTicks, actual.ExpiresAt?.UtcTicks, actual.RedeemedAt?.UtcTicks));
    }

    private static OAuthAuthorization Authorization(string id, string client = "c1", string subject = "u1", string type = Permanent) =>
        new(id, client, subject, type, Valid, ["openid", "offline_access"], null, T0, "v-" + id);

    private static OAuthToken Token(string id, string? authorizationId, string? client = "c1", string? subject = "u1") =>
        new(id, client, authorizationId, subject, RefreshToken, Valid, null, null, null, T0, null, null, "v-" + id);

    private static ConnectedApp App(string clientId) => new(
        clientId, "App " + clientId, [GrantTypeNames.AuthorizationCode], ["https://app.test/cb"], [], [], null, Audiences.Internal,
        "root", "admin", true, [1, 2, 3], 1, T0, T0);

    /// <summary>Record equality without the scopes list (compared by reference in a record).</summary>
    private sealed class AuthorizationFields : IEqualityComparer<OAuthAuthorization>
    {
        public static readonly AuthorizationFields Instance = new();

        public bool Equals(OAuthAuthorization? x, OAuthAuthorization? y) =>
            x is not null && y is not null
            && (x.Id, x.ClientId, x.Subject, x.Type, x.Status, x.Properties, x.CreatedAt, x.Version)
                == (y.Id, y.ClientId, y.Subject, y.Type, y.Status, y.Properties, y.CreatedAt, y.Version);

        public int GetHashCode(OAuthAuthorization obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
