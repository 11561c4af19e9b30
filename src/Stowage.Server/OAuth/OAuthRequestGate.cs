using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Stowage.Access.Apps;
using Stowage.Access.Tokens;
using Stowage.Core.Errors;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.OAuth;

/// <summary>
/// Runs in front of OpenIddict on the endpoints where clients authenticate (token,
/// revocation, introspection) and makes the compat rules hold there:
/// <list type="bullet">
/// <item>a JSON body is turned into the form parameters OpenIddict reads;</item>
/// <item>client credentials may come in the body, in HTTP Basic, or in both when they agree
/// (OpenIddict alone refuses both); any <c>Authorization: Bearer</c> header is ignored;</item>
/// <item>a (client id, address) pair or an address with too many recent failures gets 429
/// before any secret is looked at, malformed credentials included, and every answer carries
/// the <c>X-RateLimit-*</c> headers.</item>
/// </list>
/// A token request runs in an "oauth token" span, and its answer counts in
/// <c>stowage.oauth.tokens</c> by grant type: issued when it is a 200, refused otherwise.
/// </summary>
internal sealed class OAuthRequestGate(RequestDelegate next, Throttle throttle, OAuthAudit audit, IConnectedAppRepository apps, ServerTelemetry telemetry)
{
    public const int MaxBodyBytes = 16 * 1024;

    private static readonly object HeaderAuthenticationKey = new();

    /// <summary>Whether the client sent its credentials in the Authorization header (HTTP Basic), which this gate then removed.</summary>
    public static bool UsedAuthorizationHeader(HttpContext context) => context.Items.ContainsKey(HeaderAuthenticationKey);

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || OAuthPaths.ClientEndpointOf(context.Request.Path) is not { } endpoint)
        {
            await next(context);
            return;
        }

        if (endpoint != ClientEndpoint.Token)
        {
            await GateAsync(context, endpoint, grantType: null);
            return;
        }

        using var span = ServerTelemetry.Source.StartActivity("oauth token");
        var grant = new GrantHolder();
        await GateAsync(context, endpoint, grant);
        var issued = context.Response.StatusCode == StatusCodes.Status200OK;
        telemetry.Token(grant.Value, issued);
        span?.SetTag("oauth.grant_type", ServerTelemetry.GrantTag(grant.Value));
        span?.SetTag("oauth.outcome", issued ? "issued" : "refused");
    }

    private async Task GateAsync(HttpContext context, ClientEndpoint endpoint, GrantHolder? grantType)
    {
        var parameters = await ReadParametersAsync(context);
        if (parameters is null)
        {
            // Not a body we understand: OpenIddict answers it with its own invalid_request.
            await next(context);
            return;
        }

        if (parameters.Value.Error is { } error)
        {
            await RefuseAsync(context, endpoint, null, StatusCodes.Status400BadRequest, OAuthErrors.InvalidRequest, error);
            return;
        }

        var values = parameters.Value.Values!;
        if (grantType is not null)
        {
            grantType.Value = Single(values, "grant_type");
        }

        var address = Throttle.ClientAddress(context);

        // Checked before malformed credentials are refused, so they meet the limits too.
        var credentialsError = MergeAuthorizationHeader(context.Request, values);
        var clientId = Single(values, "client_id");
        var verdict = throttle.Check(ThrottleKind.OAuthClient, clientId, address);
        if (verdict.IsBlocked)
        {
            Throttle.WriteHeaders(context.Response, verdict.State);
            await RefuseAsync(
                context, endpoint, clientId, StatusCodes.Status429TooManyRequests, OAuthErrors.TooManyRequests,
                $"Too many failed client authentications; retry after {Throttle.Seconds(verdict.State.ResetAfter)} seconds.",
                auditReason: "throttled");
            return;
        }

        if (credentialsError is not null)
        {
            Throttle.WriteHeaders(context.Response, throttle.RecordFailure(ThrottleKind.OAuthClient, clientId, address).State);
            await RefuseAsync(context, endpoint, clientId, StatusCodes.Status401Unauthorized, OAuthErrors.InvalidClient, credentialsError);
            return;
        }

        // The state after this request's own outcome (a failure lowers Remaining).
        context.Response.OnStarting(() =>
        {
            Throttle.WriteHeaders(context.Response, throttle.Check(ThrottleKind.OAuthClient, clientId, address).State);
            return Task.CompletedTask;
        });

        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Features.Set<IFormFeature>(new FormFeature(new FormCollection(values)));
        await next(context);
    }

    /// <summary>The grant type a token request named, once its body was read.</summary>
    private sealed class GrantHolder
    {
        public string? Value { get; set; }
    }

    private async Task RefuseAsync(HttpContext context, ClientEndpoint endpoint, string? claimedClientId, int status, string error, string description, string? auditReason = null)
    {
        // Filed under the named app's organization when there is one, so its administrators
        // see attempts on it; only refusals pay for this read.
        var app = string.IsNullOrEmpty(claimedClientId) ? null : await apps.GetAsync(claimedClientId, context.RequestAborted);
        await audit.RefusedAsync(context, endpoint, app, authenticated: false, clientIdGiven: !string.IsNullOrEmpty(claimedClientId), auditReason ?? error);
        await OAuthErrors.WriteAsync(context, status, error, description);
    }

    /// <summary>
    /// The request's parameters from a form or JSON body; null when the body is of another
    /// type (left to OpenIddict), an error text when it cannot be read.
    /// </summary>
    private static async Task<(Dictionary<string, StringValues>? Values, string? Error)?> ReadParametersAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, $"The request body is larger than {MaxBodyBytes} bytes.");
        }

        if (request.HasFormContentType)
        {
            var form = await FormBody.ReadAsync(context, MaxBodyBytes, context.RequestAborted);
            return form.IsSuccess
                ? (form.Value.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), null)
                : (null, form.Error!.Message);
        }

        if (!string.IsNullOrEmpty(request.ContentType) && !IsJson(request.ContentType))
        {
            return null;
        }

        var body = await JsonBody.ReadAsync(context, MaxBodyBytes, ErrorCodes.BodyTooLarge, context.RequestAborted);
        if (!body.IsSuccess)
        {
            return (null, body.Error!.Message);
        }

        using var document = body.Value;
        var values = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        if (document is null)
        {
            return (values, null);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return (null, "The JSON body must be an object of parameters.");
        }

        foreach (var member in document.RootElement.EnumerateObject())
        {
            if (ParameterText(member.Value) is not { } text)
            {
                return (null, $"The parameter '{member.Name}' must be a string, a number or a boolean.");
            }

            if (text.Length > 0)
            {
                values[member.Name] = text;
            }
        }

        return (values, null);
    }

    private static string? ParameterText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => JsonText.TryGetText(value, out var text) ? text : null,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => string.Empty,

        // "scope": ["a", "b"] is how some clients send a list; OAuth joins it with spaces.
        JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && JsonText.TryGetText(e, out _)) =>
            string.Join(' ', value.EnumerateArray().Select(e => e.GetString())),
        _ => null,
    };

    /// <summary>
    /// Moves HTTP Basic credentials into the parameters (RFC 6749 §2.3.1: each part is
    /// form-encoded) and drops the header; an error text when they are malformed or disagree
    /// with credentials also given in the body. A Bearer header is dropped: it has no meaning here.
    /// </summary>
    private static string? MergeAuthorizationHeader(HttpRequest request, Dictionary<string, StringValues> values)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.Remove("Authorization");
            return null;
        }

        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        request.Headers.Remove("Authorization");
        request.HttpContext.Items[HeaderAuthenticationKey] = true;
        if (!TryDecodeBasic(header["Basic ".Length..].Trim(), out var id, out var secret))
        {
            return "The Basic credentials are malformed.";
        }

        if (values.TryGetValue("client_id", out var bodyId) && !(bodyId.Count == 1 && bodyId[0] == id))
        {
            return "The client_id in the body differs from the one in the Authorization header.";
        }

        if (values.TryGetValue("client_secret", out var bodySecret) && !(bodySecret.Count == 1 && ClientSecrets.Matches(bodySecret[0] ?? string.Empty, secret)))
        {
            return "The client_secret in the body differs from the one in the Authorization header.";
        }

        values["client_id"] = id;
        values["client_secret"] = secret;
        return null;
    }

    private static bool TryDecodeBasic(string encoded, out string id, out string secret)
    {
        id = secret = string.Empty;
        var bytes = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1)
        {
            return false;
        }

        // As OpenIddict decodes them: '+' is a space, then percent-escapes.
        id = Uri.UnescapeDataString(decoded[..colon].Replace("+", "%20", StringComparison.Ordinal));
        secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace("+", "%20", StringComparison.Ordinal));
        return true;
    }

    private static string? Single(Dictionary<string, StringValues> values, string name) =>
        values.TryGetValue(name, out var value) && value.Count == 1 ? value[0] : null;

    private static bool IsJson(string contentType)
    {
        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
