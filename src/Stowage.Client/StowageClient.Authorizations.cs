using System.Globalization;
using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>
    /// Lists the apps a user has let act on their behalf, with
    /// <c>GET /accounts/api/connectedApplications/authorizations</c> (<c>{data, total}</c>).
    /// Only a signed-in user's token may call it.
    /// </summary>
    /// <param name="userId">Another user's id, for an administrator of one of that user's business groups; the caller's own when null.</param>
    /// <param name="offset">How many apps to skip; the server's default when null.</param>
    /// <param name="limit">How many apps to return at most; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One item per authorized app, and their total count.</returns>
    public Task<ListDto<AuthorizationDto>> ListAuthorizationsAsync(
        string? userId = null, int? offset = null, int? limit = null, CancellationToken cancellationToken = default)
        => GetAsync(
            StowagePaths.WithQuery(
                StowagePaths.Authorizations,
                ("userId", userId),
                ("offset", offset?.ToString(CultureInfo.InvariantCulture)),
                ("limit", limit?.ToString(CultureInfo.InvariantCulture))),
            StowageJsonContext.Default.ListDtoAuthorizationDto,
            cancellationToken);

    /// <summary>
    /// Revokes a user's authorization of an app, and the app's access and refresh tokens for
    /// that user, with <c>DELETE /accounts/api/connectedApplications/authorizations/{clientId}</c> (204).
    /// </summary>
    /// <param name="clientId">The app's client id.</param>
    /// <param name="userId">Another user's id, for an administrator of one of that user's business groups; the caller's own when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the authorization is revoked.</returns>
    public Task RevokeAuthorizationAsync(string clientId, string? userId = null, CancellationToken cancellationToken = default)
        => DeleteAsync(StowagePaths.WithQuery(StowagePaths.Authorization(clientId), ("userId", userId)), cancellationToken);
}
