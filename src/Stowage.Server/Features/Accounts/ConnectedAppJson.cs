using System.Text.Json;
using Stowage.Access;
using Stowage.Access.Apps;
using Stowage.Contracts;
using Stowage.Core.Errors;

namespace Stowage.Server.Features.Accounts;

/// <summary>Connected-app bodies (snake_case, compat) to domain values and back.</summary>
internal static class ConnectedAppJson
{
    public const long MaxAppBodyBytes = 256 * 1024;
    public const long MaxScopesBodyBytes = 2 * 1024 * 1024;

    /// <summary>Entries a scopes body may hold; the limit on assignments per app is the service's.</summary>
    public const int MaxScopeEntries = 10_000;

    public static Result<AppFields> ParseFields(JsonElement root)
    {
        var json = new AccessJson(root);
        var fields = new AppFields(
            ClientName: json.String("client_name"),
            GrantTypes: json.Strings("grant_types", GrantTypeNames.All.Count * 2),
            RedirectUris: json.Strings("redirect_uris", AppRules.MaxListItems),
            Scopes: json.Strings("scopes", AppRules.MaxListItems),
            PublicKeys: json.Strings("public_keys", AppRules.MaxListItems),
            ClientUri: json.String("client_uri"),
            Audience: json.String("audience"),
            Enabled: json.Boolean("enabled"),
            ClientSecret: json.String("client_secret"));
        return json.Error is { } error ? error : fields;
    }

    /// <summary><c>{"scopes":[{"scope":…,"context_params":{"org":…,"envId":…}}]}</c>, shape only; the catalog is the service's.</summary>
    public static Result<IReadOnlyList<ScopeGrant>> ParseScopes(JsonElement root)
    {
        if (!root.TryGetProperty("scopes", out var scopes) || scopes.ValueKind == JsonValueKind.Null)
        {
            return Result<IReadOnlyList<ScopeGrant>>.Fail(ErrorCodes.InvalidRequest, "scopes is required.");
        }

        if (scopes.ValueKind != JsonValueKind.Array)
        {
            return Result<IReadOnlyList<ScopeGrant>>.Fail(ErrorCodes.InvalidRequest, "scopes must be an array of {scope, context_params}.");
        }

        if (scopes.GetArrayLength() > MaxScopeEntries)
        {
            return Result<IReadOnlyList<ScopeGrant>>.Fail(ErrorCodes.LimitReached, $"scopes holds more than {MaxScopeEntries} entries.");
        }

        var grants = new List<ScopeGrant>();
        var i = 0;
        foreach (var entry in scopes.EnumerateArray())
        {
            var path = $"scopes[{i++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                return Result<IReadOnlyList<ScopeGrant>>.Fail(ErrorCodes.InvalidRequest, $"{path} must be an object {{scope, context_params}}.");
            }

            var json = new AccessJson(entry);
            var scope = json.String("scope", required: true, path: path);
            string? org = null, env = null;
            if (json.Object("context_params", path) is { } context)
            {
                var inner = new AccessJson(context);
                org = inner.Id("org", path: path + ".context_params");
                env = inner.Id("envId", path: path + ".context_params");
                if (inner.Error is { } innerError)
                {
                    return innerError;
                }
            }

            if (json.Error is { } error)
            {
                return error;
            }

            grants.Add(new ScopeGrant(scope!, org, env));
        }

        return grants;
    }

    public static ConnectedAppDto ToDto(ConnectedApp app, string? secret) => new()
    {
        ClientId = app.ClientId,
        ClientSecret = secret,
        ClientName = app.ClientName,
        GrantTypes = app.GrantTypes,
        RedirectUris = app.RedirectUris,
        Scopes = app.Scopes,
        PublicKeys = app.PublicKeys,
        ClientUri = app.ClientUri,
        Audience = app.Audience,
        OwnerOrgId = app.OwnerOrgId,
        OwnerUserId = app.OwnerUserId,
        Enabled = app.Enabled,
    };

    public static ScopeAssignmentDto ToDto(ScopeGrant grant) => new()
    {
        Scope = grant.Scope,
        ContextParams = new ScopeContextParamsDto { Org = grant.OrgId, EnvId = grant.EnvId },
    };
}
