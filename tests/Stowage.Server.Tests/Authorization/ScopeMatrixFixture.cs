using Stowage.Client;
using Stowage.Contracts;
using Stowage.Server.Tests.DataPlane;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Authorization;

/// <summary>
/// One server with a root organization and a sibling group B, a store with a key in each of
/// root Sandbox, root Production and B's Sandbox, and one connected app per object store
/// scope, each granted only that scope on root Sandbox. Tokens come from the token endpoint.
/// </summary>
public sealed class ScopeMatrixFixture : IAsyncLifetime
{
    public const string Store = "matrix";
    public const string Partition = "p";
    public const string Key = "k";

    private readonly DataPlaneFixture _server = new();

    public StowageFactory Factory => _server.Factory;

    public TenantIds Root => _server.Root;

    public TenantIds Other { get; private set; } = null!;

    public Dictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        var admin = _server.Client;
        (Other, _) = await Factory.CreateGroupWithAdminAsync("MatrixB");
        foreach (var (org, env) in new[] { (Root.OrgId, Root.SandboxId), (Root.OrgId, Root.ProductionId), (Other.OrgId, Other.SandboxId) })
        {
            await admin.PutStoreAsync(org, env, Store);
            await admin.PutStringAsync(org, env, Store, Partition, Key, "v");
        }

        using var http = Factory.CreateClient();
        foreach (var scope in Access.Scopes.ObjectStore)
        {
            var app = await admin.CreateConnectedAppAsync(Root.OrgId, new CreateConnectedAppRequest
            {
                ClientName = "matrix " + scope,
                GrantTypes = ["client_credentials"],
            });
            await admin.ReplaceScopesAsync(app.ClientId, [new ScopeAssignmentDto
            {
                Scope = scope,
                ContextParams = new ScopeContextParamsDto { Org = Root.OrgId, EnvId = Root.SandboxId },
            }]);
            var token = await StowageClient.RequestClientCredentialsTokenAsync(http, app.ClientId, app.ClientSecret!);
            Tokens[scope] = token.AccessToken;
        }
    }

    public Task DisposeAsync() => _server.DisposeAsync();
}
