using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Stowage.Server.OAuth;
using Stowage.Server.Tests.Infrastructure;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// The server's OpenIddict dispatcher runs exactly the handlers OpenIddict's own would, in the
/// same order; what it keeps between requests are singletons only. (What those handlers do is
/// covered end to end by the token, revocation, introspection and discovery tests.)
/// </summary>
public sealed class OAuthDispatcherTests : IDisposable
{
    private readonly StowageFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public void Requests_AreDispatchedByTheServersDispatcher()
    {
        using var scope = _factory.Services.CreateScope();

        Assert.IsType<OAuthDispatcher>(scope.ServiceProvider.GetRequiredService<IOpenIddictServerDispatcher>());
    }

    [Fact]
    public void EachEvent_HasOpenIddictsHandlersForIt_InOpenIddictsOrder()
    {
        var table = _factory.Services.GetRequiredService<OAuthHandlerTable>();
        var descriptors = _factory.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.Handlers;

        AssertSameHandlers<ProcessRequestContext>(table, descriptors);
        AssertSameHandlers<ProcessAuthenticationContext>(table, descriptors);
        AssertSameHandlers<ExtractTokenRequestContext>(table, descriptors);
        AssertSameHandlers<ValidateTokenRequestContext>(table, descriptors);
        AssertSameHandlers<HandleTokenRequestContext>(table, descriptors);
        AssertSameHandlers<ProcessSignInContext>(table, descriptors);
        AssertSameHandlers<GenerateTokenContext>(table, descriptors);
        AssertSameHandlers<ApplyTokenResponseContext>(table, descriptors);
    }

    [Fact]
    public void KeptHandlersAndFilters_AreTheApplicationsSingletons()
    {
        var table = _factory.Services.GetRequiredService<OAuthHandlerTable>();

        foreach (var entry in table.For<ProcessSignInContext>())
        {
            if (entry.Handler is not null)
            {
                Assert.Same(_factory.Services.GetService(entry.ServiceType), entry.Handler);
            }

            foreach (var (instance, type) in entry.Filters)
            {
                if (instance is not null)
                {
                    Assert.Same(_factory.Services.GetService(type), instance);
                }
            }
        }

        Assert.Contains(table.For<ProcessSignInContext>(), e => e.Handler is not null);
    }

    private static void AssertSameHandlers<TContext>(OAuthHandlerTable table, IEnumerable<OpenIddictServerHandlerDescriptor> descriptors)
        where TContext : BaseContext
    {
        var expected = descriptors.Where(d => d.ContextType == typeof(TContext)).Select(d => d.ServiceDescriptor.ServiceType).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, table.For<TContext>().Select(e => e.ServiceType).ToList());
    }
}
