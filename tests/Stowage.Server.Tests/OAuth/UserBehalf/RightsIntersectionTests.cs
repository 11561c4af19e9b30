using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth.UserBehalf;

/// <summary>A server with a business group, its administrator and a user who administers nothing.</summary>
public sealed class RightsFixture : IAsyncLifetime
{
    public const string PlainPassword = "plain-user-password-1";

    public StowageFactory Factory { get; } = new();

    public UserApp App { get; private set; } = null!;

    public TenantIds Root { get; private set; } = null!;

    public TenantIds Group { get; private set; } = null!;

    private readonly Dictionary<(string User, string Scope), string> _tokens = [];
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task InitializeAsync()
    {
        Root = await Factory.RootAsync();
        (Group, _) = await Factory.CreateGroupWithAdminAsync("Rights");
        var now = DateTimeOffset.UtcNow;
        await Factory.Services.GetRequiredService<IUserRepository>().CreateAsync(
            new UserRecord(Guid.NewGuid().ToString(), "plain", "Plain", "User", string.Empty, Factory.Services.GetRequiredService<PasswordHasher>().Hash(PlainPassword), now, Root.OrgId, []),
            CancellationToken.None);
        App = await UserBehalfApps.CreateAsync(Factory, ["openid", "read:store", "manage:store", "manage:store_data", "read:store_metrics"]);
    }

    /// <summary>A token of <see cref="App"/> on behalf of <paramref name="user"/> with <paramref name="scope"/> granted (made once).</summary>
    public async Task<string> TokenAsync(string user, string scope)
    {
        await _lock.WaitAsync();
        try
        {
            if (_tokens.TryGetValue((user, scope), out var known))
            {
                return known;
            }

            var password = user switch
            {
                "admin" => StowageFactory.AdminPassword,
                "admin-rights" => "password-of-Rights",
                _ => PlainPassword,
            };
            using var browser = new UserBehalfBrowser(Factory);
            await browser.SignInAsync(user, password);
            var (verifier, challenge) = UserBehalfBrowser.NewPkce();
            var code = await browser.GetCodeAsync(UserBehalfBrowser.AuthorizeQuery(App, scope, "s", challenge));
            using var exchanged = await browser.ExchangeAsync(App, code, verifier);
            var token = (await UserBehalfBrowser.ReadTokensAsync(exchanged)).AccessToken;
            _tokens[(user, scope)] = token;
            return token;
        }
        finally
        {
            _lock.Release();
        }
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        _lock.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A token issued on behalf of a user holds a right only where the granted scope names it and
/// the user holds it: user (root administrator, a business group's administrator, a user who
/// administers nothing) × granted scope × target (the root's Sandbox, the group's Sandbox) ×
/// operation (list stores, create a store, write a key, read usage) → the status expected.
/// </summary>
public sealed class RightsIntersectionTests(RightsFixture fixture) : IClassFixture<RightsFixture>
{
    public static TheoryData<string, string, string, string, HttpStatusCode> Table()
    {
        var data = new TheoryData<string, string, string, string, HttpStatusCode>();
        string[] users = ["admin", "admin-rights", "plain"];
        string[] scopes = ["read:store", "manage:store", "manage:store_data", "read:store_metrics"];
        string[] targets = ["root", "group"];
        string[] operations = ["list-stores", "create-store", "write-key", "read-usage"];
        foreach (var user in users)
        {
            foreach (var scope in scopes)
            {
                foreach (var target in targets)
                {
                    foreach (var operation in operations)
                    {
                        var userHolds = user == "admin" || (user == "admin-rights" && target == "group");
                        var scopeAllows = operation switch
                        {
                            "list-stores" => scope is "read:store" or "manage:store" or "manage:store_data",
                            "create-store" => scope == "manage:store",
                            "write-key" => scope == "manage:store_data",
                            _ => scope == "read:store_metrics",
                        };
                        var allowed = userHolds && scopeAllows;
                        var success = operation switch
                        {
                            "create-store" => HttpStatusCode.Created,
                            "write-key" => HttpStatusCode.NotFound,
                            _ => HttpStatusCode.OK,
                        };
                        data.Add(user, scope, target, operation, allowed ? success : HttpStatusCode.Forbidden);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public async Task UserRightsNarrowedToGrantedScopes(string user, string scope, string target, string operation, HttpStatusCode expected)
    {
        var token = await fixture.TokenAsync(user, "openid " + scope);
        var tenant = target == "root" ? fixture.Root : fixture.Group;
        var environment = $"/api/v1/organizations/{tenant.OrgId}/environments/{tenant.SandboxId}";
        var store = "s" + Guid.NewGuid().ToString("N")[..10];
        using var http = fixture.Factory.CreateClient();
        using var request = operation switch
        {
            "list-stores" => new HttpRequestMessage(HttpMethod.Get, environment + "/stores"),
            "create-store" => new HttpRequestMessage(HttpMethod.Put, $"{environment}/stores/{store}") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") },

            // A write to a store that does not exist: 404 once the right is there, 403 before.
            "write-key" => new HttpRequestMessage(HttpMethod.Put, $"{environment}/stores/{store}/partitions/p/keys/k")
            {
                Content = new StringContent("{\"stringValue\":\"v\"}", System.Text.Encoding.UTF8, "application/json"),
            },
            _ => new HttpRequestMessage(HttpMethod.Get, environment),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.True(expected == response.StatusCode, $"{user} {scope} {target} {operation}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
