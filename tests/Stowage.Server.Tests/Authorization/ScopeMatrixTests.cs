using System.Net;
using System.Text;
using Stowage.Access;

namespace Stowage.Server.Tests.Authorization;

/// <summary>
/// Every data-plane and Stats endpoint × each object store scope × right/wrong environment ×
/// right/wrong organization: a request passes authorization exactly when the token's one
/// grant (its scope on root Sandbox) covers it; otherwise it is 403.
/// </summary>
public sealed class ScopeMatrixTests(ScopeMatrixFixture fixture) : IClassFixture<ScopeMatrixFixture>
{
    private const string Read = "read";
    private const string ManageStores = "stores";
    private const string Data = "data";
    private const string Metrics = "metrics";
    private const string AnyInOrg = "any";
    private const string Window = "?startDate=2026-01-01T00:00:00Z&endDate=2026-01-02T00:00:00Z&period=1day";

    /// <summary>(name, method, path under /api/v1/organizations/{org}, what it needs, whether the path names an environment).</summary>
    public static TheoryData<string, string, string, string, bool> Endpoints()
    {
        const string s = "/environments/{env}/stores";
        const string store = s + "/" + ScopeMatrixFixture.Store;
        const string gone = s + "/no-such-store";
        const string p = store + "/partitions/" + ScopeMatrixFixture.Partition;
        var data = new TheoryData<string, string, string, string, bool>
        {
            { "regions", "GET", "/regions", AnyInOrg, false },
            { "list stores", "GET", s, Read, true },
            { "get store", "GET", store, Read, true },
            { "put store", "PUT", s + "/created-by-matrix", ManageStores, true },
            { "delete store", "DELETE", gone, ManageStores, true },
            { "list partitions", "GET", store + "/partitions", Data, true },
            { "delete all partitions", "DELETE", gone + "/partitions", Data, true },
            { "delete partition", "DELETE", gone + "/partitions/x", Data, true },
            { "list keys", "GET", p + "/keys", Data, true },
            { "clear partition", "DELETE", gone + "/partitions/x/keys", Data, true },
            { "get key", "GET", p + "/keys/" + ScopeMatrixFixture.Key, Data, true },
            { "head key", "HEAD", p + "/keys/" + ScopeMatrixFixture.Key, Data, true },
            { "put key", "PUT", p + "/keys/written", Data, true },
            { "post key", "POST", p + "/keys/posted", Data, true },
            { "delete key", "DELETE", p + "/keys/absent", Data, true },
            { "confirmable write", "PUT", p + "/keys/pending?confirmable=true", Data, true },
            { "confirm write", "POST", p + "/keys/pending/confirm", Data, true },
            { "reject write", "POST", p + "/keys/pending/reject", Data, true },
            { "list values", "GET", p + "/values", Data, true },
            { "export store", "GET", store + "/export", Data, true },
            { "export partition", "GET", store + "/export?partition=" + ScopeMatrixFixture.Partition, Data, true },
            { "organization usage", "GET", Window, Metrics, false },
            { "environment usage", "GET", "/environments/{env}" + Window, Metrics, true },
            { "region usage", "GET", "/environments/{env}/regions/local" + Window, Metrics, true },
            { "region stores", "GET", "/environments/{env}/regions/local/stores" + Window, Metrics, true },
            { "store usage buckets", "GET", "/environments/{env}/regions/local/stores/" + ScopeMatrixFixture.Store + Window, Metrics, true },
            { "store contents", "GET", store + "/usage", Metrics, true },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_EachScopeAndTarget_PassesExactlyWhenTheGrantCoversIt(string name, string method, string path, string needs, bool namesEnvironment)
    {
        var root = fixture.Root;
        var other = fixture.Other;
        var targets = new (string Label, string Org, string Env, bool RightOrg, bool RightEnv)[]
        {
            ("root Sandbox", root.OrgId, root.SandboxId, true, true),
            ("root Production", root.OrgId, root.ProductionId, true, false),
            ("B Sandbox", other.OrgId, other.SandboxId, false, false),
            ("B org with root Sandbox id", other.OrgId, root.SandboxId, false, true),
        };
        var failures = new List<string>();
        using var http = fixture.Factory.CreateClient();

        foreach (var scope in Scopes.ObjectStore)
        {
            foreach (var target in targets)
            {
                var covered = target.RightOrg && (target.RightEnv || !namesEnvironment) && Covers(needs, scope);
                var status = await SendAsync(http, method, "/api/v1/organizations/" + target.Org + path.Replace("{env}", target.Env, StringComparison.Ordinal), fixture.Tokens[scope]);
                var passed = status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
                if (passed != covered || (!covered && status != HttpStatusCode.Forbidden))
                {
                    failures.Add($"{name} with {scope} on {target.Label}: got {(int)status}, expected {(covered ? "authorized" : "403")}");
                }
            }
        }

        Assert.Empty(failures);
    }

    private static bool Covers(string needs, string scope) => needs switch
    {
        Read => scope is Scopes.ReadStore or Scopes.ManageStore or Scopes.ManageStoreData,
        ManageStores => scope == Scopes.ManageStore,
        Data => scope == Scopes.ManageStoreData,
        Metrics => scope == Scopes.ReadStoreMetrics,
        AnyInOrg => true,
        _ => throw new ArgumentOutOfRangeException(nameof(needs)),
    };

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, string method, string path, string token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new("Bearer", token);
        if (method is "PUT" or "POST")
        {
            request.Content = new StringContent(
                path.Contains("/keys/", StringComparison.Ordinal) ? "{\"valueType\":\"STRING\",\"stringValue\":\"m\"}" : "{}",
                Encoding.UTF8,
                "application/json");
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
