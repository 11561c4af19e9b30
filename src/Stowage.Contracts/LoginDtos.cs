using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>Body of <c>POST /accounts/login</c>.</summary>
public sealed class LoginRequest
{
    /// <summary>The user name.</summary>
    [JsonPropertyName("username")]
    public string Username { get; init; } = "";

    /// <summary>The password.</summary>
    [JsonPropertyName("password")]
    public string Password { get; init; } = "";
}

/// <summary>Answer of <c>POST /accounts/login</c>.</summary>
public sealed class LoginResponse
{
    /// <summary>The bearer token.</summary>
    [JsonPropertyName("access_token")]
    public string AccessToken { get; init; } = "";

    /// <summary>Always <c>bearer</c>.</summary>
    [JsonPropertyName("token_type")]
    public string TokenType { get; init; } = "bearer";

    /// <summary>Lifetime of the token, in seconds.</summary>
    [JsonPropertyName("expires_in")]
    public long ExpiresIn { get; init; }

    /// <summary>Where a browser would go next.</summary>
    [JsonPropertyName("redirectUrl")]
    public string? RedirectUrl { get; init; }
}

/// <summary>Body of <c>PUT /accounts/api/users/me/password</c>.</summary>
public sealed class ChangePasswordRequest
{
    /// <summary>The user's password now.</summary>
    [JsonPropertyName("currentPassword")]
    public string CurrentPassword { get; init; } = "";

    /// <summary>The password from now on (12 to 1024 characters).</summary>
    [JsonPropertyName("newPassword")]
    public string NewPassword { get; init; } = "";
}
