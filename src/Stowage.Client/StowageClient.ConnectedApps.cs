using System.Globalization;
using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>
    /// Creates a connected app owned by the caller's organization with
    /// <c>POST /accounts/api/connectedApplications</c> (201).
    /// </summary>
    /// <param name="request">At least <c>client_name</c> and <c>grant_types</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new app, including its <c>client_id</c> and <c>client_secret</c>.</returns>
    public Task<ConnectedAppDto> CreateConnectedAppAsync(CreateConnectedAppRequest request, CancellationToken cancellationToken = default)
        => CreateConnectedAppAtAsync(StowagePaths.ConnectedApps, request, cancellationToken);

    /// <summary>
    /// Creates a connected app owned by <paramref name="organizationId"/> with
    /// <c>POST /accounts/api/organizations/{orgId}/connectedApplications</c> (201).
    /// </summary>
    /// <param name="organizationId">The owning organization's id.</param>
    /// <param name="request">At least <c>client_name</c> and <c>grant_types</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new app, including its <c>client_id</c> and <c>client_secret</c>.</returns>
    public Task<ConnectedAppDto> CreateConnectedAppAsync(
        string organizationId, CreateConnectedAppRequest request, CancellationToken cancellationToken = default)
        => CreateConnectedAppAtAsync(StowagePaths.OrganizationConnectedApps(organizationId), request, cancellationToken);

    /// <summary>Lists connected apps with <c>GET /accounts/api/connectedApplications</c> (<c>{data, total}</c>).</summary>
    /// <param name="search">Only apps whose name contains this text; all when null.</param>
    /// <param name="organizationId">Only apps owned by this organization (<c>orgId</c>); all the caller may see when null.</param>
    /// <param name="offset">How many apps to skip; the server's default when null.</param>
    /// <param name="limit">How many apps to return at most; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The apps and their total count.</returns>
    public Task<ListDto<ConnectedAppDto>> ListConnectedAppsAsync(
        string? search = null, string? organizationId = null, int? offset = null, int? limit = null, CancellationToken cancellationToken = default)
        => GetAsync(
            StowagePaths.WithQuery(
                StowagePaths.ConnectedApps,
                ("search", search),
                ("offset", offset?.ToString(CultureInfo.InvariantCulture)),
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)),
                ("orgId", organizationId)),
            StowageJsonContext.Default.ListDtoConnectedAppDto,
            cancellationToken);

    /// <summary>
    /// Reads a connected app, with <c>GET /accounts/api/connectedApplications/{clientId}</c> or,
    /// when <paramref name="organizationId"/> is given,
    /// <c>GET /accounts/api/organizations/{orgId}/connectedApplications/{clientId}</c>.
    /// Administrators also get the secret.
    /// </summary>
    /// <param name="clientId">The app's client id.</param>
    /// <param name="organizationId">The owning organization's id, to use the organization-scoped path; null for the plain path.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The app.</returns>
    public Task<ConnectedAppDto> GetConnectedAppAsync(string clientId, string? organizationId = null, CancellationToken cancellationToken = default)
        => GetAsync(
            organizationId is null ? StowagePaths.ConnectedApp(clientId) : StowagePaths.OrganizationConnectedApp(organizationId, clientId),
            StowageJsonContext.Default.ConnectedAppDto,
            cancellationToken);

    /// <summary>Changes a connected app with <c>PATCH /accounts/api/connectedApplications/{clientId}</c>; null members stay unchanged.</summary>
    /// <param name="clientId">The app's client id.</param>
    /// <param name="request">The members to change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The app as it is now.</returns>
    public Task<ConnectedAppDto> UpdateConnectedAppAsync(string clientId, UpdateConnectedAppRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendJsonAsync(
            HttpMethod.Patch,
            StowagePaths.ConnectedApp(clientId),
            request,
            StowageJsonContext.Default.UpdateConnectedAppRequest,
            StowageJsonContext.Default.ConnectedAppDto,
            cancellationToken);
    }

    /// <summary>
    /// Gives a connected app a new secret with <c>PATCH …/connectedApplications/{clientId}?resetSecret=true</c>
    /// (body <c>{}</c>). Tokens issued under the old secret stop working within a second.
    /// </summary>
    /// <param name="clientId">The app's client id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The app with its new <c>client_secret</c>.</returns>
    public Task<ConnectedAppDto> ResetSecretAsync(string clientId, CancellationToken cancellationToken = default)
        => SendJsonAsync(
            HttpMethod.Patch,
            StowagePaths.ConnectedApp(clientId) + "?resetSecret=true",
            new UpdateConnectedAppRequest(),
            StowageJsonContext.Default.UpdateConnectedAppRequest,
            StowageJsonContext.Default.ConnectedAppDto,
            cancellationToken);

    /// <summary>Deletes a connected app (204); its tokens stop working within a second.</summary>
    /// <param name="clientId">The app's client id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the app is gone.</returns>
    public Task DeleteConnectedAppAsync(string clientId, CancellationToken cancellationToken = default)
        => DeleteAsync(StowagePaths.ConnectedApp(clientId), cancellationToken);

    /// <summary>Lists a connected app's scope assignments (<c>GET …/connectedApplications/{clientId}/scopes</c>).</summary>
    /// <param name="clientId">The app's client id.</param>
    /// <param name="offset">How many assignments to skip; the server's default when null.</param>
    /// <param name="limit">How many assignments to return at most; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The assignments and their total count.</returns>
    public Task<ListDto<ScopeAssignmentDto>> GetScopesAsync(
        string clientId, int? offset = null, int? limit = null, CancellationToken cancellationToken = default)
        => GetAsync(
            StowagePaths.WithOffsetLimit(StowagePaths.ConnectedAppScopes(clientId), offset, limit),
            StowageJsonContext.Default.ListDtoScopeAssignmentDto,
            cancellationToken);

    /// <summary>Replaces all of a connected app's scope assignments with <paramref name="scopes"/> (<c>PUT …/scopes</c>, 204).</summary>
    /// <param name="clientId">The app's client id.</param>
    /// <param name="scopes">The complete new set; empty removes every assignment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the assignments are replaced.</returns>
    public Task ReplaceScopesAsync(string clientId, IEnumerable<ScopeAssignmentDto> scopes, CancellationToken cancellationToken = default)
        => SendScopesAsync(HttpMethod.Put, clientId, scopes, cancellationToken);

    /// <summary>Adds scope assignments to a connected app (<c>PATCH …/scopes</c>, 204).</summary>
    /// <param name="clientId">The app's client id.</param>
    /// <param name="scopes">The assignments to add.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the assignments are added.</returns>
    public Task AddScopesAsync(string clientId, IEnumerable<ScopeAssignmentDto> scopes, CancellationToken cancellationToken = default)
        => SendScopesAsync(HttpMethod.Patch, clientId, scopes, cancellationToken);

    /// <summary>
    /// Removes the listed scope assignments from a connected app (<c>DELETE …/scopes</c> with a
    /// body, 204); tokens already issued lose them within a second.
    /// </summary>
    /// <param name="clientId">The app's client id.</param>
    /// <param name="scopes">The assignments to remove.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the assignments are removed.</returns>
    public Task RemoveScopesAsync(string clientId, IEnumerable<ScopeAssignmentDto> scopes, CancellationToken cancellationToken = default)
        => SendScopesAsync(HttpMethod.Delete, clientId, scopes, cancellationToken);

    private Task<ConnectedAppDto> CreateConnectedAppAtAsync(string path, CreateConnectedAppRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendJsonAsync(
            HttpMethod.Post,
            path,
            request,
            StowageJsonContext.Default.CreateConnectedAppRequest,
            StowageJsonContext.Default.ConnectedAppDto,
            cancellationToken);
    }

    private Task SendScopesAsync(HttpMethod method, string clientId, IEnumerable<ScopeAssignmentDto> scopes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var list = scopes.ToArray();
        if (Array.Exists(list, static scope => scope is null))
        {
            throw new ArgumentException("A scope assignment is null.", nameof(scopes));
        }

        return SendJsonAsync(
            method,
            StowagePaths.ConnectedAppScopes(clientId),
            new ScopesRequest { Scopes = list },
            StowageJsonContext.Default.ScopesRequest,
            cancellationToken);
    }
}
