using System.Net;
using Stowage.Contracts;

namespace Stowage.Client.Tests;

public sealed class StoreAndAccountTests
{
    private const string StoreJson =
        """{"storeId":"s","encrypted":true,"permanentOsFlag":false,"persistent":true,"defaultTtlSeconds":2592000,"defaultConfirmationTtlSeconds":600,"isFixedTtl":false}""";

    [Theory]
    [InlineData(HttpStatusCode.Created, true)]
    [InlineData(HttpStatusCode.OK, false)]
    public async Task PutStoreAsync_Status_ReportsCreated(HttpStatusCode status, bool expected)
    {
        var handler = new FakeHandler().EnqueueJson(status, StoreJson);
        using var client = TestClients.Create(handler);

        var (store, created) = await client.PutStoreAsync("o", "e", "s", new StoreSettingsRequest { DefaultTtlSeconds = 60, IsFixedTtl = true });

        Assert.Equal(expected, created);
        Assert.Equal(2592000, store.DefaultTtlSeconds);
        Assert.Equal(600, store.DefaultConfirmationTtlSeconds);
        Assert.True(store.Encrypted);
        Assert.Equal("""{"defaultTtlSeconds":60,"isFixedTtl":true}""", Assert.Single(handler.Requests).Body);
    }

    [Fact]
    public async Task PutStoreAsync_NoSettings_SendsEmptyObject()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.Created, StoreJson);
        using var client = TestClients.Create(handler);

        await client.PutStoreAsync("o", "e", "s");

        Assert.Equal("{}", Assert.Single(handler.Requests).Body);
    }

    [Fact]
    public async Task GetRegionsAsync_Array_ReturnsRegions()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """[{"id":"local","name":"Local","url":"http://stowage.test"}]""");
        using var client = TestClients.Create(handler);

        var regions = await client.GetRegionsAsync("o");

        var region = Assert.Single(regions);
        Assert.Equal(("local", "Local", "http://stowage.test"), (region.Id, region.Name, region.Url));
        Assert.Equal("http://stowage.test/api/v1/organizations/o/regions", handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task ClearPartitionAsync_Always_DeletesKeysCollection()
    {
        var handler = new FakeHandler()
            .Enqueue(_ => new HttpResponseMessage(HttpStatusCode.NoContent))
            .Enqueue(_ => new HttpResponseMessage(HttpStatusCode.NoContent))
            .Enqueue(_ => new HttpResponseMessage(HttpStatusCode.NoContent));
        using var client = TestClients.Create(handler);

        await client.ClearPartitionAsync("o", "e", "s", "p");
        await client.DeletePartitionAsync("o", "e", "s", "p");
        await client.DeleteAllPartitionsAsync("o", "e", "s");

        const string Store = "http://stowage.test/api/v1/organizations/o/environments/e/stores/s";
        Assert.Equal(
            [Store + "/partitions/p/keys", Store + "/partitions/p", Store + "/partitions"],
            handler.Requests.Select(r => r.Uri.AbsoluteUri));
        Assert.All(handler.Requests, r => Assert.Equal(HttpMethod.Delete, r.Method));
    }

    [Fact]
    public async Task GetMeAsync_ConnectedAppToken_ReadsClientAndUser()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """
            {"client":{"client_id":"abc","name":"app","org_id":"root"},
             "user":{"id":"u1","username":"admin","organizationId":"root",
                     "organization":{"id":"root","name":"Root","isRoot":true,"isMaster":true,"subOrganizationIds":["bg"]},
                     "memberOfOrganizations":[{"id":"root","name":"Root","isRoot":true,"isMaster":true}],
                     "organizationPreferences":{"root":{"defaultEnvironment":"env1"}}}}
            """);
        using var client = TestClients.Create(handler);

        var me = await client.GetMeAsync();

        Assert.Equal("abc", me.Client!.ClientId);
        Assert.Equal("root", me.Client.OrgId);
        Assert.Equal(["bg"], me.User!.Organization!.SubOrganizationIds!);
        Assert.True(Assert.Single(me.User.MemberOfOrganizations).IsRoot);
        Assert.Equal("env1", me.User.OrganizationPreferences["root"].DefaultEnvironment);
        Assert.Equal("http://stowage.test/accounts/api/me", handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task GetOrganizationAsync_FullBody_ReadsNestedObjects()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """
            {"id":"org","name":"Root","createdAt":"2030-01-01T00:00:00.123Z","updatedAt":"2030-01-02T00:00:00Z",
             "ownerId":"u1","clientId":"c","isRoot":true,"isMaster":true,"parentOrganizationIds":[],"subOrganizationIds":["bg"],
             "environments":[{"id":"e1","name":"Production","organizationId":"org","isProduction":true,"type":"production","clientId":"ec"}],
             "owner":{"id":"u1","username":"admin","firstName":"A","lastName":"B","email":"a@b"},
             "subscription":{"category":"Enterprise","type":"Platinum","expiration":null},
             "entitlements":{"createEnvironments":true,"createSubOrgs":true}}
            """);
        using var client = TestClients.Create(handler);

        var org = await client.GetOrganizationAsync("org");

        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, 123, TimeSpan.Zero), org.CreatedAt);
        Assert.Equal(EnvironmentTypes.Production, Assert.Single(org.Environments).Type);
        Assert.Equal("admin", org.Owner!.Username);
        Assert.Null(org.Subscription!.Expiration);
        Assert.True(org.Entitlements!.CreateSubOrgs);
    }

    [Fact]
    public async Task ListEnvironmentsAsync_OffsetAndLimit_SendsQueryAndReadsTotal()
    {
        var handler = new FakeHandler().EnqueueJson(HttpStatusCode.OK, """{"data":[{"id":"e1","name":"Sandbox","organizationId":"o","isProduction":false,"type":"sandbox"}],"total":3}""");
        using var client = TestClients.Create(handler);

        var list = await client.ListEnvironmentsAsync("o", offset: 2, limit: 1);

        Assert.Equal(3, list.Total);
        Assert.Equal("Sandbox", Assert.Single(list.Data).Name);
        Assert.Equal("http://stowage.test/accounts/api/organizations/o/environments?offset=2&limit=1", handler.Requests[0].Uri.AbsoluteUri);
    }
}
