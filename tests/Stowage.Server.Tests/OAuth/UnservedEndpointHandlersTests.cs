using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Stowage.Server.OAuth;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// The server leaves out OpenIddict's handlers for the endpoints it does not serve (device
/// authorization, end-user verification, end session, pushed authorization). That is only
/// right while those endpoints have no address: these tests fail the day one gets one, and
/// check that handlers of the endpoints it serves stay registered, among them one named after
/// pushed authorization that acts on the authorization endpoint's requests.
/// </summary>
public sealed class UnservedEndpointHandlersTests : IDisposable
{
    private readonly StowageFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private OpenIddictServerOptions Options => _factory.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;

    [Fact]
    public void UnservedEndpoints_HaveNoAddress()
    {
        var options = Options;

        Assert.Empty(options.DeviceAuthorizationEndpointUris);
        Assert.Empty(options.EndUserVerificationEndpointUris);
        Assert.Empty(options.EndSessionEndpointUris);
        Assert.Empty(options.PushedAuthorizationEndpointUris);
        Assert.NotEmpty(options.TokenEndpointUris);
    }

    [Fact]
    public void UnservedEndpointHandlers_AreNotRegistered_ServedOnesAre()
    {
        var registered = Options.Handlers.Select(descriptor => descriptor.ServiceDescriptor.ServiceType).ToHashSet();
        var removed = OAuthServiceCollectionExtensions.UnservedEndpointHandlers().Select(descriptor => descriptor.ServiceDescriptor.ServiceType).ToHashSet();

        Assert.NotEmpty(removed);
        Assert.DoesNotContain(registered, removed.Contains);
        Assert.Contains(typeof(OpenIddictServerHandlers.Exchange.ValidateAuthentication), registered);
        Assert.Contains(typeof(OpenIddictServerHandlers.Authentication.ValidateAuthentication), registered);
        Assert.Contains(typeof(OpenIddictServerHandlers.Revocation.ValidateAuthentication), registered);

        // Named after pushed authorization but acts on the authorization endpoint's requests.
        Assert.Contains(typeof(OpenIddictServerHandlers.Authentication.ValidatePushedAuthorizationRequestsRequirement), registered);
    }
}
