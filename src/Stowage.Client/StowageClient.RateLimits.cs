using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>Reads a store's rate limit: what is set on the store and what applies to it (<c>GET …/stores/{store}/limits</c>, ext).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The store's setting and its effective limit.</returns>
    public Task<RateLimitDto> GetStoreRateLimitAsync(string organizationId, string environmentId, string storeId, CancellationToken cancellationToken = default)
        => GetAsync(StowagePaths.StoreLimits(organizationId, environmentId, storeId), StowageJsonContext.Default.RateLimitDto, cancellationToken);

    /// <summary>Sets a store's rate limit (<c>PUT …/stores/{store}/limits</c>, ext); <c>{"limit":"inherit"}</c> removes it.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="limit">A preset (<c>none</c>, <c>standard</c>, <c>premium</c>), <c>inherit</c>, or custom numbers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The store's setting and its effective limit after the change.</returns>
    public Task<RateLimitDto> SetStoreRateLimitAsync(string organizationId, string environmentId, string storeId, RateLimitRequest limit, CancellationToken cancellationToken = default)
        => PutLimitAsync(StowagePaths.StoreLimits(organizationId, environmentId, storeId), limit, cancellationToken);

    /// <summary>Reads an environment's rate limit, which applies to its stores without one of their own (<c>GET …/environments/{env}/limits</c>, ext).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The environment's setting and the limit its stores get by default.</returns>
    public Task<RateLimitDto> GetEnvironmentRateLimitAsync(string organizationId, string environmentId, CancellationToken cancellationToken = default)
        => GetAsync(StowagePaths.EnvironmentLimits(organizationId, environmentId), StowageJsonContext.Default.RateLimitDto, cancellationToken);

    /// <summary>Sets an environment's rate limit (<c>PUT …/environments/{env}/limits</c>, ext; needs manage:store there).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="limit">A preset, <c>inherit</c>, or custom numbers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The environment's setting and effective limit after the change.</returns>
    public Task<RateLimitDto> SetEnvironmentRateLimitAsync(string organizationId, string environmentId, RateLimitRequest limit, CancellationToken cancellationToken = default)
        => PutLimitAsync(StowagePaths.EnvironmentLimits(organizationId, environmentId), limit, cancellationToken);

    /// <summary>Reads an organization's rate limit (<c>GET /api/v1/organizations/{org}/limits</c>, ext).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The organization's setting and the limit its stores get by default.</returns>
    public Task<RateLimitDto> GetOrganizationRateLimitAsync(string organizationId, CancellationToken cancellationToken = default)
        => GetAsync(StowagePaths.OrganizationLimits(organizationId), StowageJsonContext.Default.RateLimitDto, cancellationToken);

    /// <summary>Sets an organization's rate limit (<c>PUT /api/v1/organizations/{org}/limits</c>, ext; administrators only).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="limit">A preset, <c>inherit</c>, or custom numbers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The organization's setting and effective limit after the change.</returns>
    public Task<RateLimitDto> SetOrganizationRateLimitAsync(string organizationId, RateLimitRequest limit, CancellationToken cancellationToken = default)
        => PutLimitAsync(StowagePaths.OrganizationLimits(organizationId), limit, cancellationToken);

    private Task<RateLimitDto> PutLimitAsync(string path, RateLimitRequest limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limit);
        return SendJsonAsync(HttpMethod.Put, path, limit, StowageJsonContext.Default.RateLimitRequest, StowageJsonContext.Default.RateLimitDto, cancellationToken);
    }
}
