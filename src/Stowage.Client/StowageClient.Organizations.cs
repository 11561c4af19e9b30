using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>Creates a business group with <c>POST /accounts/api/organizations</c> (201).</summary>
    /// <param name="request">The name, the parent organization and optionally the owner.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new organization.</returns>
    public Task<OrganizationDto> CreateOrganizationAsync(CreateOrganizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendJsonAsync(
            HttpMethod.Post,
            StowagePaths.Organizations,
            request,
            StowageJsonContext.Default.CreateOrganizationRequest,
            StowageJsonContext.Default.OrganizationDto,
            cancellationToken);
    }

    /// <summary>Renames an organization with <c>PUT /accounts/api/organizations/{orgId}</c> and body <c>{name}</c>.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="name">The new name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The renamed organization.</returns>
    public Task<OrganizationDto> RenameOrganizationAsync(string organizationId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return SendJsonAsync(
            HttpMethod.Put,
            StowagePaths.Organization(organizationId),
            new RenameRequest { Name = name },
            StowageJsonContext.Default.RenameRequest,
            StowageJsonContext.Default.OrganizationDto,
            cancellationToken);
    }

    /// <summary>
    /// Deletes a business group (204). The server refuses (409) while it has business groups of
    /// its own, and always for the root organization.
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the organization is gone.</returns>
    public Task DeleteOrganizationAsync(string organizationId, CancellationToken cancellationToken = default)
        => DeleteAsync(StowagePaths.Organization(organizationId), cancellationToken);

    /// <summary>Reads <c>GET /accounts/api/organizations/{orgId}/hierarchy</c>: the organization and its business groups, recursively.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tree rooted at the organization.</returns>
    public Task<HierarchyDto> GetHierarchyAsync(string organizationId, CancellationToken cancellationToken = default)
        => GetAsync(StowagePaths.Hierarchy(organizationId), StowageJsonContext.Default.HierarchyDto, cancellationToken);

    /// <summary>Creates an environment with <c>POST …/organizations/{orgId}/environments</c> (201).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="request">The name and type (one of <see cref="EnvironmentTypes"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new environment.</returns>
    public Task<EnvironmentDto> CreateEnvironmentAsync(
        string organizationId, CreateEnvironmentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendJsonAsync(
            HttpMethod.Post,
            StowagePaths.Environments(organizationId),
            request,
            StowageJsonContext.Default.CreateEnvironmentRequest,
            StowageJsonContext.Default.EnvironmentDto,
            cancellationToken);
    }

    /// <summary>Renames an environment with <c>PUT …/environments/{envId}</c> and body <c>{name}</c>; its type never changes.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="name">The new name, unique within the organization.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The renamed environment.</returns>
    public Task<EnvironmentDto> RenameEnvironmentAsync(
        string organizationId, string environmentId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return SendJsonAsync(
            HttpMethod.Put,
            StowagePaths.Environment(organizationId, environmentId),
            new RenameRequest { Name = name },
            StowageJsonContext.Default.RenameRequest,
            StowageJsonContext.Default.EnvironmentDto,
            cancellationToken);
    }

    /// <summary>
    /// Deletes an environment (204) together with its stores and its scope grants. An
    /// organization always keeps at least one environment.
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the environment is gone.</returns>
    public Task DeleteEnvironmentAsync(string organizationId, string environmentId, CancellationToken cancellationToken = default)
        => DeleteAsync(StowagePaths.Environment(organizationId, environmentId), cancellationToken);
}
