using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Bench.Harness;

/// <summary>What the scenarios need from a running Stowage: ids, the app's credentials and token.</summary>
internal sealed record StowageTarget(Uri Url, string Org, string Env, string ClientId, string ClientSecret, string Token)
{
    public const string Store = "bench";
    public const string BigStore = "big";

    /// <summary>A store with a rate limit no benchmark reaches: the cost of counting, not of refusing.</summary>
    public const string LimitedStore = "limited";
    public const string BigPartition = "keys";

    public string StorePath(string store) => $"/api/v1/organizations/{Org}/environments/{Env}/stores/{store}";

    public string KeysPath(string store, string partition) => StorePath(store) + $"/partitions/{partition}/keys";

    public string Absolute(string path) => new Uri(Url, path).AbsoluteUri;
}

/// <summary>
/// Prepares a fresh server through its public API only, as a user would: the administrator
/// signs in with the generated password, creates a connected app with the object store
/// scopes on Sandbox, and the app gets a client_credentials token at the OAuth endpoint.
/// </summary>
internal static class StowageSetup
{
    /// <summary>The administrator's generated password, from a SQLite server's data directory.</summary>
    public static async Task<string> AdminPasswordAsync(string dataDirectory, CancellationToken cancellationToken) =>
        (await File.ReadAllTextAsync(Path.Combine(dataDirectory, "admin-password"), cancellationToken)).Trim();

    public static async Task<StowageTarget> PrepareAsync(Uri url, string password, int valueBytes, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = url };
        var login = await StowageClient.LoginAsync(http, "admin", password, cancellationToken);
        using var admin = new StowageClient(url, new StaticTokenSource(login.AccessToken));
        var me = await admin.GetMeAsync(cancellationToken);
        var org = me.User?.OrganizationId ?? throw new InvalidOperationException("The administrator has no organization.");
        var environments = await admin.ListEnvironmentsAsync(org, cancellationToken: cancellationToken);
        var env = environments.Data.First(e => e.Name == "Sandbox").Id;

        var app = await admin.CreateConnectedAppAsync(org, new CreateConnectedAppRequest { ClientName = "bench", GrantTypes = ["client_credentials"] }, cancellationToken);
        var secret = app.ClientSecret ?? throw new InvalidOperationException("The new app has no secret.");
        await admin.ReplaceScopesAsync(
            app.ClientId,
            new[] { "manage:store", "manage:store_data", "read:store", "read:store_metrics" }.Select(s => new ScopeAssignmentDto
            {
                Scope = s,
                ContextParams = new ScopeContextParamsDto { Org = org, EnvId = env },
            }),
            cancellationToken);
        var token = await StowageClient.RequestClientCredentialsTokenAsync(http, app.ClientId, secret, cancellationToken: cancellationToken);
        var target = new StowageTarget(url, org, env, app.ClientId, secret, token.AccessToken);

        // Default store settings: encrypted values, rolling TTL, as a user gets them.
        using var client = target.Client();
        await client.PutStoreAsync(org, env, StowageTarget.Store, cancellationToken: cancellationToken);
        await client.PutStoreAsync(org, env, StowageTarget.BigStore, cancellationToken: cancellationToken);
        var value = new string('v', valueBytes);
        await client.PutStringAsync(org, env, StowageTarget.Store, "hot", "value", value, cancellationToken: cancellationToken);
        await client.PutStoreAsync(org, env, StowageTarget.LimitedStore, cancellationToken: cancellationToken);
        await client.PutStringAsync(org, env, StowageTarget.LimitedStore, "hot", "value", value, cancellationToken: cancellationToken);
        await client.SetStoreRateLimitAsync(
            org, env, StowageTarget.LimitedStore, new RateLimitRequest { RequestsPerSecond = 1_000_000, RequestsPerMinute = 60_000_000 }, cancellationToken);
        await Parallel.ForAsync(0, 100, cancellationToken, async (i, ct) =>
            await client.PutStringAsync(org, env, StowageTarget.Store, "values", $"value{i:D3}", value, cancellationToken: ct));
        return target;
    }

    public static StowageClient Client(this StowageTarget target) => new(target.Url, new StaticTokenSource(target.Token));

    public static async Task<long> KeyCountAsync(this StowageTarget target, string store, CancellationToken cancellationToken)
    {
        using var client = target.Client();
        return (await client.GetStoreContentsAsync(target.Org, target.Env, store, cancellationToken)).KeyCount;
    }
}
