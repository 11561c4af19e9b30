using System.Net;
using System.Text;
using System.Text.Json;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Tenancy;

/// <summary>
/// The root organization and two sibling business groups, B and C, each with its own
/// administrator and one store holding one key (root and C; B starts empty).
/// </summary>
public sealed class TenancyFixture : IAsyncLifetime
{
    public const string RootStore = "root-store";
    public const string CStore = "c-store";

    public StowageFactory Factory { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    public TenantIds Root { get; private set; } = null!;

    public TenantIds B { get; private set; } = null!;

    public TenantIds C { get; private set; } = null!;

    public string RootToken { get; private set; } = string.Empty;

    public string BToken { get; private set; } = string.Empty;

    public string CToken { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Http = Factory.CreateClient();
        (B, BToken) = await Factory.CreateGroupWithAdminAsync("GroupB");
        (C, CToken) = await Factory.CreateGroupWithAdminAsync("GroupC");

        // After the groups exist, so the root administrator's token covers them from its first use.
        Root = await Factory.RootAsync();
        RootToken = await Factory.LoginAsync();

        await SeedAsync(RootToken, Root, RootStore);
        await SeedAsync(CToken, C, CStore);
    }

    public Task DisposeAsync()
    {
        Http.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }

    public static string StoresPath(string org, string env) => $"/api/v1/organizations/{org}/environments/{env}/stores";

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? authorization, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request);
    }

    /// <summary>The stores of every environment of root and C and the seeded stores' contents, read by their own administrators.</summary>
    public async Task<string> SnapshotAsync()
    {
        var text = new StringBuilder();
        foreach (var (ids, token, store) in new[] { (Root, RootToken, RootStore), (C, CToken, CStore) })
        {
            foreach (var env in new[] { ids.ProductionId, ids.SandboxId, ids.DesignId })
            {
                await AppendAsync(text, token, StoresPath(ids.OrgId, env));
            }

            var seeded = StoresPath(ids.OrgId, ids.ProductionId) + "/" + store;
            await AppendAsync(text, token, seeded);
            await AppendAsync(text, token, seeded + "/partitions");
            await AppendAsync(text, token, seeded + "/partitions/p/values");
        }

        return text.ToString();
    }

    private async Task AppendAsync(StringBuilder text, string token, string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path, "Bearer " + token);
        text.Append(path).Append(" -> ").Append((int)response.StatusCode).Append(' ').AppendLine(await response.Content.ReadAsStringAsync());
    }

    private async Task SeedAsync(string token, TenantIds tenant, string store)
    {
        var path = StoresPath(tenant.OrgId, tenant.ProductionId) + "/" + store;
        using var created = await SendAsync(HttpMethod.Put, path, "Bearer " + token, """{"isFixedTtl":true}""");
        using var written = await SendAsync(HttpMethod.Put, path + "/partitions/p/keys/k", "Bearer " + token, """{"valueType":"STRING","stringValue":"secret"}""");
        if (created.StatusCode != HttpStatusCode.Created || written.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Seeding {path} answered {(int)created.StatusCode} and {(int)written.StatusCode}.");
        }
    }
}

public sealed class CrossTenantTests(TenancyFixture fixture) : IClassFixture<TenancyFixture>
{
    private const string ValueBody = """{"valueType":"STRING","stringValue":"intruder"}""";
    private const string SettingsBody = """{"defaultTtlSeconds":60}""";

    /// <summary>Every data-plane endpoint, relative to the stores collection; {store} is the store id.</summary>
    private static readonly Dictionary<string, (HttpMethod Method, string Path, string? Body)> Endpoints = new(StringComparer.Ordinal)
    {
        ["list stores"] = (HttpMethod.Get, "", null),
        ["get store"] = (HttpMethod.Get, "/{store}", null),
        ["put store"] = (HttpMethod.Put, "/{store}", SettingsBody),
        ["delete store"] = (HttpMethod.Delete, "/{store}", null),
        ["list partitions"] = (HttpMethod.Get, "/{store}/partitions", null),
        ["delete all partitions"] = (HttpMethod.Delete, "/{store}/partitions", null),
        ["delete partition"] = (HttpMethod.Delete, "/{store}/partitions/p", null),
        ["list keys"] = (HttpMethod.Get, "/{store}/partitions/p/keys", null),
        ["clear partition"] = (HttpMethod.Delete, "/{store}/partitions/p/keys", null),
        ["list values"] = (HttpMethod.Get, "/{store}/partitions/p/values", null),
        ["get value"] = (HttpMethod.Get, "/{store}/partitions/p/keys/k", null),
        ["contains key"] = (HttpMethod.Head, "/{store}/partitions/p/keys/k", null),
        ["put value"] = (HttpMethod.Put, "/{store}/partitions/p/keys/k", ValueBody),
        ["post value"] = (HttpMethod.Post, "/{store}/partitions/p/keys/k", ValueBody),
        ["delete key"] = (HttpMethod.Delete, "/{store}/partitions/p/keys/k", null),
        ["regions"] = (HttpMethod.Get, "regions", null),
    };

    private static readonly string[] Targets = ["root Production", "root Sandbox", "root Design", "C Production", "C Sandbox"];

    public static TheoryData<string, string> EndpointsOnOtherTenants()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in Endpoints.Keys)
        {
            foreach (var target in endpoint == "regions" ? ["root Production", "C Production"] : Targets)
            {
                data.Add(endpoint, target);
            }
        }

        return data;
    }

    public static TheoryData<string> AllEndpoints() => new(Endpoints.Keys);

    public static TheoryData<string> EnvironmentEndpoints() => new(Endpoints.Keys.Where(e => e != "regions"));

    [Theory]
    [MemberData(nameof(EndpointsOnOtherTenants))]
    public async Task DataPlane_GroupAdminOnOtherTenant_ForbiddenAndDataUnchanged(string endpoint, string target)
    {
        var before = await fixture.SnapshotAsync();
        var (org, env, store) = target switch
        {
            "root Production" => (fixture.Root.OrgId, fixture.Root.ProductionId, TenancyFixture.RootStore),
            "root Sandbox" => (fixture.Root.OrgId, fixture.Root.SandboxId, TenancyFixture.RootStore),
            "root Design" => (fixture.Root.OrgId, fixture.Root.DesignId, TenancyFixture.RootStore),
            "C Production" => (fixture.C.OrgId, fixture.C.ProductionId, TenancyFixture.CStore),
            _ => (fixture.C.OrgId, fixture.C.SandboxId, TenancyFixture.CStore),
        };

        using var response = await SendAsync(endpoint, org, env, store, "Bearer " + fixture.BToken);

        await AssertProblemAsync(response, endpoint, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(AllEndpoints))]
    public async Task DataPlane_GroupAdminOnExistingOrMadeUpTargets_SameAnswer(string endpoint)
    {
        var c = fixture.C;
        var token = "Bearer " + fixture.BToken;

        var existing = await DescribeAsync(SendAsync(endpoint, c.OrgId, c.ProductionId, TenancyFixture.CStore, token));
        var madeUpStore = await DescribeAsync(SendAsync(endpoint, c.OrgId, c.ProductionId, "no-such-store", token));
        var madeUpEnvironment = await DescribeAsync(SendAsync(endpoint, c.OrgId, "no-such-environment", TenancyFixture.CStore, token));
        var madeUpOrganization = await DescribeAsync(SendAsync(endpoint, "no-such-organization", c.ProductionId, TenancyFixture.CStore, token));

        Assert.Equal(403, existing.Status);
        Assert.Equal(existing, madeUpStore);
        Assert.Equal((existing.Status, existing.Code), (madeUpEnvironment.Status, madeUpEnvironment.Code));
        Assert.Equal((existing.Status, existing.Code), (madeUpOrganization.Status, madeUpOrganization.Code));
    }

    [Fact]
    public async Task GetValue_GroupAdminOnExistingAndMissingKeyOfSibling_IdenticalAnswers()
    {
        var keys = TenancyFixture.StoresPath(fixture.C.OrgId, fixture.C.ProductionId) + "/" + TenancyFixture.CStore + "/partitions/p/keys/";

        var existing = await DescribeAsync(fixture.SendAsync(HttpMethod.Get, keys + "k", "Bearer " + fixture.BToken));
        var missing = await DescribeAsync(fixture.SendAsync(HttpMethod.Get, keys + "no-such-key", "Bearer " + fixture.BToken));

        Assert.Equal((403, "FORBIDDEN"), (existing.Status, existing.Code));
        Assert.Equal(existing, missing);
    }

    [Theory]
    [MemberData(nameof(EnvironmentEndpoints))]
    public async Task DataPlane_OwnOrganizationWithSiblingEnvironment_EnvironmentNotFound(string endpoint)
    {
        var before = await fixture.SnapshotAsync();

        using var response = await SendAsync(endpoint, fixture.B.OrgId, fixture.C.ProductionId, TenancyFixture.CStore, "Bearer " + fixture.BToken);

        await AssertProblemAsync(response, endpoint, HttpStatusCode.NotFound, "ENVIRONMENT_NOT_FOUND");
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Fact]
    public async Task ListStores_RootAdminOnRootWithGroupEnvironment_EnvironmentNotFound()
    {
        using var response = await fixture.SendAsync(
            HttpMethod.Get, TenancyFixture.StoresPath(fixture.Root.OrgId, fixture.C.ProductionId), "Bearer " + fixture.RootToken);

        await AssertProblemAsync(response, "list stores", HttpStatusCode.NotFound, "ENVIRONMENT_NOT_FOUND");
    }

    [Fact]
    public async Task DataPlane_RootAdminOnDescendantGroup_FullAccess()
    {
        var token = "Bearer " + fixture.RootToken;
        var stores = TenancyFixture.StoresPath(fixture.B.OrgId, fixture.B.SandboxId);
        var store = stores + "/made-by-root";
        var key = store + "/partitions/p/keys/k";

        using var putStore = await fixture.SendAsync(HttpMethod.Put, store, token, SettingsBody);
        using var putValue = await fixture.SendAsync(HttpMethod.Put, key, token, ValueBody);
        using var getValue = await fixture.SendAsync(HttpMethod.Get, key, token);
        using var head = await fixture.SendAsync(HttpMethod.Head, key, token);
        using var listStores = await fixture.SendAsync(HttpMethod.Get, stores, token);
        using var listPartitions = await fixture.SendAsync(HttpMethod.Get, store + "/partitions", token);
        using var listKeys = await fixture.SendAsync(HttpMethod.Get, store + "/partitions/p/keys", token);
        using var listValues = await fixture.SendAsync(HttpMethod.Get, store + "/partitions/p/values", token);
        using var regions = await fixture.SendAsync(HttpMethod.Get, $"/api/v1/organizations/{fixture.B.OrgId}/regions", token);
        using var seenByGroupAdmin = await fixture.SendAsync(HttpMethod.Get, key, "Bearer " + fixture.BToken);
        using var deleteKey = await fixture.SendAsync(HttpMethod.Delete, key, token);
        using var deleteStore = await fixture.SendAsync(HttpMethod.Delete, store, token);

        Assert.Equal(HttpStatusCode.Created, putStore.StatusCode);
        Assert.Equal(HttpStatusCode.Created, putValue.StatusCode);
        Assert.Equal(HttpStatusCode.OK, getValue.StatusCode);
        Assert.Equal("intruder", JsonDocument.Parse(await getValue.Content.ReadAsStringAsync()).RootElement.GetProperty("stringValue").GetString());
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(["made-by-root"], StoreIds(await listStores.Content.ReadAsStringAsync()));
        Assert.Equal("""{"values":["p"],"nextPageToken":null}""", await listPartitions.Content.ReadAsStringAsync());
        Assert.Equal("""{"values":[{"keyId":"k"}],"nextPageToken":null}""", await listKeys.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, listValues.StatusCode);
        Assert.Equal(HttpStatusCode.OK, regions.StatusCode);
        Assert.Equal(HttpStatusCode.OK, seenByGroupAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleteKey.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleteStore.StatusCode);
    }

    [Fact]
    public async Task ListStores_GroupAdminOnOwnGroup_Ok()
    {
        using var response = await fixture.SendAsync(
            HttpMethod.Get, TenancyFixture.StoresPath(fixture.B.OrgId, fixture.B.ProductionId), "Bearer " + fixture.BToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"values":[],"nextPageToken":null}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(AllEndpoints))]
    public async Task DataPlane_NoToken_UnauthorizedWithBearerChallenge(string endpoint)
    {
        using var response = await SendAsync(endpoint, fixture.B.OrgId, fixture.B.ProductionId, "any-store", authorization: null);

        await AssertProblemAsync(response, endpoint, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("Bearer not-a-real-token")]
    [InlineData("Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer a b")]
    [InlineData("Basic YWRtaW46cGFzc3dvcmQ=")]
    [InlineData("Token abc")]
    [InlineData("{b}x")]
    [InlineData("Bearer{b}")]
    [InlineData("Bearer {b} {b}")]
    [InlineData("Basic {b}")]
    public async Task ListStores_MalformedOrUnknownToken_Unauthorized(string header)
    {
        var authorization = header.Replace("{b}", fixture.BToken, StringComparison.Ordinal);
        if (header == "{b}x")
        {
            authorization = "Bearer " + fixture.BToken + "x";
        }

        using var response = await fixture.SendAsync(
            HttpMethod.Get, TenancyFixture.StoresPath(fixture.B.OrgId, fixture.B.ProductionId), authorization);

        await AssertProblemAsync(response, "list stores", HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    [InlineData("bEaReR")]
    public async Task ListStores_SchemeInAnyCase_Ok(string scheme)
    {
        using var response = await fixture.SendAsync(
            HttpMethod.Get, TenancyFixture.StoresPath(fixture.B.OrgId, fixture.B.ProductionId), scheme + " " + fixture.BToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(string endpoint, string org, string env, string store, string? authorization)
    {
        var (method, relative, body) = Endpoints[endpoint];
        var path = relative == "regions"
            ? $"/api/v1/organizations/{org}/regions"
            : TenancyFixture.StoresPath(org, env) + relative.Replace("{store}", store, StringComparison.Ordinal);
        return fixture.SendAsync(method, path, authorization, body);
    }

    private static async Task<(int Status, string? Code, string Body)> DescribeAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        var body = await response.Content.ReadAsStringAsync();
        var code = body.Length == 0 ? null : JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
        return ((int)response.StatusCode, code, body);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string endpoint, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        if (Endpoints[endpoint].Method == HttpMethod.Head)
        {
            Assert.Equal(string.Empty, body);
            return;
        }

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("message").GetString()));
    }

    private static string[] StoreIds(string page) =>
        JsonDocument.Parse(page).RootElement.GetProperty("values").EnumerateArray().Select(s => s.GetProperty("storeId").GetString()!).ToArray();
}
