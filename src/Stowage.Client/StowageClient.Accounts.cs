using System.Net.Http.Headers;
using System.Text.Json;
using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>Logs a user in with <c>POST /accounts/login</c>. Wrong credentials throw a 401 <see cref="StowageApiException"/>.</summary>
    /// <param name="httpClient">A client whose <see cref="HttpClient.BaseAddress"/> is the server's base URL.</param>
    /// <param name="username">The user name.</param>
    /// <param name="password">The password.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token and its lifetime.</returns>
    public static async Task<LoginResponse> LoginAsync(
        HttpClient httpClient, string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new LoginRequest { Username = username, Password = password }, StowageJsonContext.Default.LoginRequest);
        using var request = new HttpRequestMessage(HttpMethod.Post, CreateUri(OriginOf(httpClient), "/accounts/login"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonMediaType));
        request.Content = JsonContent(body);
        using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        var login = await ReadAsync(response, StowageJsonContext.Default.LoginResponse, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(login.AccessToken))
        {
            throw new StowageApiException(response.StatusCode, code: null, "The login answer has no access_token.");
        }

        return login;
    }

    /// <summary>
    /// Ends the session of this client's token with <c>POST /accounts/api/logout</c> (204): a
    /// user's session ends, a connected app's access token is revoked.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the token no longer works.</returns>
    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendOnceAsync(HttpMethod.Post, "/accounts/api/logout", body: null, header: null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <c>GET /accounts/api/me</c>: the caller's user profile, and for a connected-app token the app.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The caller.</returns>
    public Task<MeDto> GetMeAsync(CancellationToken cancellationToken = default)
        => GetAsync("/accounts/api/me", StowageJsonContext.Default.MeDto, cancellationToken);

    /// <summary>Reads <c>GET /accounts/api/users/me</c>: the caller's user profile (the app owner's for a connected app).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user profile.</returns>
    public Task<UserDto> GetCurrentUserAsync(CancellationToken cancellationToken = default)
        => GetAsync("/accounts/api/users/me", StowageJsonContext.Default.UserDto, cancellationToken);

    /// <summary>
    /// Changes the signed-in user's password with <c>PUT /accounts/api/users/me/password</c>.
    /// The user's other sessions end; this client's session goes on. A wrong current password
    /// throws a 403 <see cref="StowageApiException"/> with code <c>WRONG_PASSWORD</c>.
    /// </summary>
    /// <param name="currentPassword">The password now.</param>
    /// <param name="newPassword">The password from now on (12 to 1024 characters).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the password is changed.</returns>
    public Task ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(currentPassword);
        ArgumentNullException.ThrowIfNull(newPassword);
        return SendJsonAsync(
            HttpMethod.Put,
            "/accounts/api/users/me/password",
            new ChangePasswordRequest { CurrentPassword = currentPassword, NewPassword = newPassword },
            StowageJsonContext.Default.ChangePasswordRequest,
            cancellationToken);
    }

    /// <summary>Reads an organization (business group) with its environments.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The organization.</returns>
    public Task<OrganizationDto> GetOrganizationAsync(string organizationId, CancellationToken cancellationToken = default)
        => GetAsync(StowagePaths.Organization(organizationId), StowageJsonContext.Default.OrganizationDto, cancellationToken);

    /// <summary>Lists an organization's environments (<c>{data, total}</c>).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="offset">How many environments to skip; the server's default when null.</param>
    /// <param name="limit">How many environments to return at most; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The environments and their total count.</returns>
    public Task<ListDto<EnvironmentDto>> ListEnvironmentsAsync(
        string organizationId, int? offset = null, int? limit = null, CancellationToken cancellationToken = default)
        => GetAsync(
            StowagePaths.WithOffsetLimit(StowagePaths.Environments(organizationId), offset, limit),
            StowageJsonContext.Default.ListDtoEnvironmentDto,
            cancellationToken);

    /// <summary>Reads one environment.</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The environment.</returns>
    public Task<EnvironmentDto> GetEnvironmentAsync(string organizationId, string environmentId, CancellationToken cancellationToken = default)
        => GetAsync(StowagePaths.Environment(organizationId, environmentId), StowageJsonContext.Default.EnvironmentDto, cancellationToken);
}
