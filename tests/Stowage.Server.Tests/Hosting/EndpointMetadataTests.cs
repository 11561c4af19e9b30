using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Server.Tests.Infrastructure;
using Xunit;

namespace Stowage.Server.Tests.Hosting;

/// <summary>
/// Stowage decides access in endpoint filters and does not run ASP.NET Core's authorization
/// middleware (OAuthEndpoints.UseStowageOAuth): an endpoint with authorization metadata would
/// be refused at every request. So no endpoint may carry any.
/// </summary>
public sealed class EndpointMetadataTests
{
    [Fact]
    public async Task NoEndpoint_CarriesAuthorizationMetadata()
    {
        using var factory = new StowageFactory();
        using var http = factory.CreateClient();
        Assert.True((await http.GetAsync("/readyz")).IsSuccessStatusCode);

        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        var withAuthorization = endpoints
            .Where(e => e.Metadata.GetMetadata<IAuthorizeData>() is not null
                || e.Metadata.GetMetadata<AuthorizationPolicy>() is not null
                || e.Metadata.GetMetadata<IAuthorizationRequirementData>() is not null)
            .Select(e => e.DisplayName)
            .ToList();

        Assert.True(endpoints.Count > 20, $"only {endpoints.Count} endpoints were found");
        Assert.Empty(withAuthorization);
    }
}
