using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>
/// A connected app, as returned by the <c>…/connectedApplications</c> endpoints (compat; the
/// members are snake_case). <see cref="ClientSecret"/> is set on create, on a secret reset and,
/// for administrators, on a plain read.
/// </summary>
public sealed class ConnectedAppDto
{
    /// <summary>The client id: 32 lowercase hex digits, generated, never changes.</summary>
    [JsonPropertyName("client_id")]
    public string ClientId { get; init; } = "";

    /// <summary>The client secret, when the server shows it; otherwise null.</summary>
    [JsonPropertyName("client_secret")]
    public string? ClientSecret { get; init; }

    /// <summary>The name, unique per root organization.</summary>
    [JsonPropertyName("client_name")]
    public string ClientName { get; init; } = "";

    /// <summary>
    /// The grant types: <c>client_credentials</c> for an app acting on its own behalf; any of
    /// <c>authorization_code</c>, <c>refresh_token</c>, <c>password</c> and
    /// <c>urn:ietf:params:oauth:grant-type:jwt-bearer</c> for one acting on behalf of a user.
    /// </summary>
    [JsonPropertyName("grant_types")]
    public IReadOnlyList<string> GrantTypes { get; init; } = [];

    /// <summary>The redirect URIs (user-behalf apps).</summary>
    [JsonPropertyName("redirect_uris")]
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    /// <summary>Plain scope names, for user-behalf apps (client-credentials apps use scope assignments instead).</summary>
    [JsonPropertyName("scopes")]
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>PEM public keys, for the jwt-bearer grant.</summary>
    [JsonPropertyName("public_keys")]
    public IReadOnlyList<string> PublicKeys { get; init; } = [];

    /// <summary>The app's home page.</summary>
    [JsonPropertyName("client_uri")]
    public string? ClientUri { get; init; }

    /// <summary><c>internal</c> (the default) or <c>everyone</c>.</summary>
    [JsonPropertyName("audience")]
    public string? Audience { get; init; }

    /// <summary>The owning organization's id.</summary>
    [JsonPropertyName("owner_org_id")]
    public string? OwnerOrgId { get; init; }

    /// <summary>The id of the user who owns the app.</summary>
    [JsonPropertyName("owner_user_id")]
    public string? OwnerUserId { get; init; }

    /// <summary>Whether the app may get tokens; a disabled app's tokens stop working within a second.</summary>
    [JsonPropertyName("enabled")]
    public bool Enabled { get; init; } = true;
}

/// <summary>
/// Body of <c>POST …/connectedApplications</c>. Only <see cref="ClientName"/> and
/// <see cref="GrantTypes"/> are required; null members are omitted and take the server's
/// defaults (<c>audience</c> <c>internal</c>, <c>enabled</c> true, empty lists, a generated secret).
/// </summary>
public sealed class CreateConnectedAppRequest
{
    /// <summary>The name, unique per root organization.</summary>
    [JsonPropertyName("client_name")]
    public string ClientName { get; init; } = "";

    /// <summary>The grant types; see <see cref="ConnectedAppDto.GrantTypes"/>.</summary>
    [JsonPropertyName("grant_types")]
    public IReadOnlyList<string> GrantTypes { get; init; } = [];

    /// <summary>A caller-chosen secret of at least 32 characters; the server generates one when null.</summary>
    [JsonPropertyName("client_secret")]
    public string? ClientSecret { get; init; }

    /// <summary>The redirect URIs.</summary>
    [JsonPropertyName("redirect_uris")]
    public IReadOnlyList<string>? RedirectUris { get; init; }

    /// <summary>Plain scope names, for user-behalf apps.</summary>
    [JsonPropertyName("scopes")]
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>PEM public keys, for the jwt-bearer grant.</summary>
    [JsonPropertyName("public_keys")]
    public IReadOnlyList<string>? PublicKeys { get; init; }

    /// <summary>The app's home page.</summary>
    [JsonPropertyName("client_uri")]
    public string? ClientUri { get; init; }

    /// <summary><c>internal</c> or <c>everyone</c>.</summary>
    [JsonPropertyName("audience")]
    public string? Audience { get; init; }

    /// <summary>Whether the app may get tokens.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; init; }
}

/// <summary>
/// Body of <c>PATCH …/connectedApplications/{clientId}</c>: every member is optional, and null
/// members are omitted on the wire so they stay unchanged.
/// </summary>
public sealed class UpdateConnectedAppRequest
{
    /// <summary>A new name.</summary>
    [JsonPropertyName("client_name")]
    public string? ClientName { get; init; }

    /// <summary>New grant types.</summary>
    [JsonPropertyName("grant_types")]
    public IReadOnlyList<string>? GrantTypes { get; init; }

    /// <summary>New redirect URIs (replaces the list).</summary>
    [JsonPropertyName("redirect_uris")]
    public IReadOnlyList<string>? RedirectUris { get; init; }

    /// <summary>New plain scope names (replaces the list).</summary>
    [JsonPropertyName("scopes")]
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>New PEM public keys (replaces the list).</summary>
    [JsonPropertyName("public_keys")]
    public IReadOnlyList<string>? PublicKeys { get; init; }

    /// <summary>A new home page.</summary>
    [JsonPropertyName("client_uri")]
    public string? ClientUri { get; init; }

    /// <summary><c>internal</c> or <c>everyone</c>.</summary>
    [JsonPropertyName("audience")]
    public string? Audience { get; init; }

    /// <summary>False disables the app (its tokens stop working within a second); true enables it.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; init; }
}

/// <summary>
/// A scope assignment of a connected app, for example
/// <c>{"scope":"manage:store_data","context_params":{"org":"…","envId":"…"}}</c>.
/// </summary>
public sealed class ScopeAssignmentDto
{
    /// <summary>The scope name, for example <c>manage:store_data</c> or <c>admin:cloudhub</c>.</summary>
    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    /// <summary>Where the scope applies; <c>{}</c> for scopes without a level (<c>openid</c>, <c>profile</c>, …).</summary>
    [JsonPropertyName("context_params")]
    public ScopeContextParamsDto ContextParams { get; init; } = new();
}

/// <summary>
/// The <c>context_params</c> of a <see cref="ScopeAssignmentDto"/>: environment-level scopes
/// need both members, organization-level scopes <see cref="Org"/> only. Null members are omitted.
/// </summary>
public sealed class ScopeContextParamsDto
{
    /// <summary>The organization id.</summary>
    [JsonPropertyName("org")]
    public string? Org { get; init; }

    /// <summary>The environment id (of an environment of <see cref="Org"/>).</summary>
    [JsonPropertyName("envId")]
    public string? EnvId { get; init; }
}

/// <summary>Body of <c>PUT</c>, <c>PATCH</c> and <c>DELETE …/connectedApplications/{clientId}/scopes</c>.</summary>
public sealed class ScopesRequest
{
    /// <summary>The assignments to set (PUT), add (PATCH) or remove (DELETE).</summary>
    [JsonPropertyName("scopes")]
    public IReadOnlyList<ScopeAssignmentDto> Scopes { get; init; } = [];
}
