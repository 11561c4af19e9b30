using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>Lists the users of an organization (<c>GET /accounts/api/organizations/{orgId}/users</c>, <c>{data, total}</c>).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="offset">How many users to skip; the server's default when null.</param>
    /// <param name="limit">How many users to return at most; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The users and their total count.</returns>
    public Task<ListDto<UserDto>> ListUsersAsync(
        string organizationId, int? offset = null, int? limit = null, CancellationToken cancellationToken = default)
        => GetAsync(
            StowagePaths.WithOffsetLimit(StowagePaths.Users(organizationId), offset, limit),
            StowageJsonContext.Default.ListDtoUserDto,
            cancellationToken);

    /// <summary>Creates a user with <c>POST /accounts/api/organizations/{orgId}/users</c> (201).</summary>
    /// <param name="organizationId">The organization id; the user administers it unless <see cref="CreateUserRequest.AdminOf"/> says otherwise.</param>
    /// <param name="request">The user's name, password and contact details.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new user (without the password).</returns>
    public Task<UserDto> CreateUserAsync(string organizationId, CreateUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendJsonAsync(
            HttpMethod.Post,
            StowagePaths.Users(organizationId),
            request,
            StowageJsonContext.Default.CreateUserRequest,
            StowageJsonContext.Default.UserDto,
            cancellationToken);
    }

    /// <summary>Deletes a user with <c>DELETE /accounts/api/organizations/{orgId}/users/{userId}</c>.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the user is gone.</returns>
    public Task DeleteUserAsync(string organizationId, string userId, CancellationToken cancellationToken = default)
        => DeleteAsync(StowagePaths.User(organizationId, userId), cancellationToken);
}
