using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Client;
using Stowage.Contracts;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.DataPlane;

/// <summary>
/// The data plane's hot requests (a value written, read, a values page) take their services
/// from the application when their endpoints are built, so a request opens no service scope:
/// every request here runs with request services that record what they are asked for (and
/// open the request's scope as ASP.NET Core would, on first use), and those requests must ask
/// for nothing. The caller, kept as a feature of the request instead of in its items, must
/// not reach the next request on the same connection.
/// </summary>
public sealed class RequestServicesTests : IAsyncLifetime
{
    private readonly RecordingFactory _factory = new();
    private StowageClient _app = null!;
    private string _appToken = null!;
    private TenantIds _root = null!;

    public async Task InitializeAsync()
    {
        using var admin = _factory.CreateAdminClient();
        _root = await _factory.RootAsync();
        var created = await admin.CreateConnectedAppAsync(_root.OrgId, new CreateConnectedAppRequest { ClientName = "scopes", GrantTypes = ["client_credentials"] });
        await admin.ReplaceScopesAsync(
            created.ClientId,
            new[] { "manage:store", "manage:store_data" }.Select(s => new ScopeAssignmentDto
            {
                Scope = s,
                ContextParams = new ScopeContextParamsDto { Org = _root.OrgId, EnvId = _root.SandboxId },
            }));
        using var http = _factory.CreateClient();
        var token = await StowageClient.RequestClientCredentialsTokenAsync(http, created.ClientId, created.ClientSecret!);
        _appToken = token.AccessToken;
        _app = _factory.CreateClient(_appToken);
        await _app.PutStoreAsync(_root.OrgId, _root.SandboxId, "scopes");
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ValueReadsWritesAndPages_AskTheRequestForNoService()
    {
        await _app.PutStringAsync(_root.OrgId, _root.SandboxId, "scopes", "p", "k", "v");
        _factory.Asked.Clear();
        var before = _factory.Requests;

        await _app.PutStringAsync(_root.OrgId, _root.SandboxId, "scopes", "p", "k", "w");
        var value = await _app.GetValueAsync(_root.OrgId, _root.SandboxId, "scopes", "p", "k");
        var page = await _app.GetValuesPageAsync(_root.OrgId, _root.SandboxId, "scopes", "p");

        Assert.Equal("w", value.StringValue);
        Assert.Single(page.Values);
        Assert.Equal(3, _factory.Requests - before);
        Assert.True(_factory.Asked.IsEmpty, "a data-plane request resolved from its request services: " + string.Join(", ", _factory.Asked.Keys.Select(t => t.Name)));
    }

    [Fact]
    public async Task TheCallerKeptOnTheRequest_DoesNotReachTheNextRequestOnTheSameConnection()
    {
        // One connection for every request: the caller and its app are features of the
        // request, and Kestrel reuses a connection's feature collection from request to request.
        using var plain = _factory.CreateClient();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1 };
        using var http = new HttpClient(handler) { BaseAddress = plain.BaseAddress };
        var userToken = await _factory.LoginAsync();

        var asApp = await MeAsync(http, _appToken);
        var asUser = await MeAsync(http, userToken);
        using var anonymous = await http.GetAsync(new Uri("/accounts/api/me", UriKind.Relative));
        var asAppAgain = await MeAsync(http, _appToken);

        Assert.NotNull(asApp.Client);
        Assert.Null(asUser.Client);
        Assert.Equal("admin", asUser.User!.Username);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(asApp.Client!.ClientId, asAppAgain.Client!.ClientId);
    }

    [Fact]
    public async Task TheRecordingProvider_SeesARequestThatAsks()
    {
        // The control: a route that resolves from its request services (the sign-in's throttle) is seen doing so.
        _factory.Asked.Clear();
        using var http = _factory.CreateClient();
        using var response = await http.PostAsJsonAsync("/accounts/login", new { username = "admin", password = "not-the-password" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(_factory.Asked.IsEmpty);
    }

    private static async Task<MeDto> MeAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/accounts/api/me", UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(StowageJsonContext.Default.MeDto))!;
    }

    private sealed class RecordingFactory : StowageFactory
    {
        public ConcurrentDictionary<Type, bool> Asked { get; } = new();

        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(new RecordingFilter(this)));
        }

        private sealed class RecordingFilter(RecordingFactory factory) : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                var scopes = app.ApplicationServices.GetRequiredService<IServiceScopeFactory>();
                app.Use((context, nextMiddleware) =>
                {
                    Interlocked.Increment(ref factory._requests);
                    var real = new RequestServicesFeature(context, scopes);
                    context.Features.Set<IServiceProvidersFeature>(new RecordingFeature(real, factory.Asked));
                    return nextMiddleware(context);
                });
                next(app);
            };
        }
    }

    /// <summary>The request's services as ASP.NET Core makes them (a scope opened on first use), each lookup recorded.</summary>
    private sealed class RecordingFeature(RequestServicesFeature real, ConcurrentDictionary<Type, bool> asked) : IServiceProvidersFeature, IServiceProvider
    {
        public IServiceProvider RequestServices
        {
            get => this;
            set => real.RequestServices = value;
        }

        public object? GetService(Type serviceType)
        {
            asked[serviceType] = true;
            return real.RequestServices.GetService(serviceType);
        }
    }
}
