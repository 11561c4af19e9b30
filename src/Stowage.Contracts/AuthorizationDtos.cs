using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>
/// An app a user has let act on their behalf, as listed by
/// <c>GET /accounts/api/connectedApplications/authorizations</c> (members are snake_case, like
/// <see cref="ConnectedAppDto"/>). One item per app: the user's valid authorizations of it folded together.
/// </summary>
public sealed class AuthorizationDto
{
    /// <summary>The app's client id.</summary>
    [JsonPropertyName("client_id")]
    public string ClientId { get; init; } = "";

    /// <summary>The app's name.</summary>
    [JsonPropertyName("client_name")]
    public string ClientName { get; init; } = "";

    /// <summary>The app's website, when it has one.</summary>
    [JsonPropertyName("client_uri")]
    public string? ClientUri { get; init; }

    /// <summary>The scopes the user granted the app, in ordinal order.</summary>
    [JsonPropertyName("scopes")]
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>When the user first authorized the app (of the authorizations still valid).</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The user's id.</summary>
    [JsonPropertyName("user_id")]
    public string UserId { get; init; } = "";

    /// <summary>The user's username.</summary>
    [JsonPropertyName("username")]
    public string Username { get; init; } = "";
}
