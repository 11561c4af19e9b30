using System.Diagnostics;
using System.Diagnostics.Metrics;
using Stowage.Core.Telemetry;
using Stowage.Server.Hosting;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// The server's own instruments (data-plane operations, tokens) and spans (authorization,
/// token issuance). Tag values come from fixed sets; the one exception, the store name on
/// data-plane operations, is there only when <c>Stowage:Metrics:PerStore</c> is on.
/// </summary>
public sealed class ServerTelemetry
{
    public const string SourceName = StowageTelemetry.SourcePrefix + ".Server";

    public static readonly ActivitySource Source = new(SourceName);

    private static readonly HashSet<string> GrantTypes = new(StringComparer.Ordinal)
    {
        "client_credentials", "password", "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:jwt-bearer",
    };

    private static readonly KeyValuePair<string, object?> Issued = new("outcome", "issued");
    private static readonly KeyValuePair<string, object?> Refused = new("outcome", "refused");

    private readonly Counter<long> _operations;
    private readonly Counter<long> _tokens;

    public ServerTelemetry(IMeterFactory meters, StowageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = StowageTelemetry.Meter(meters);
        PerStore = options.Metrics.PerStore;
        _operations = meter.CreateCounter<long>(
            StowageTelemetry.DataPlaneOperations, "{operation}", "Object Store data-plane requests that passed authentication, by kind and outcome.");
        _tokens = meter.CreateCounter<long>(
            StowageTelemetry.Tokens, "{token}", "Answers of the token endpoint: tokens issued and requests refused, by grant type.");
    }

    public bool PerStore { get; }

    /// <summary>The outcome tag of an HTTP status: a handful of values, whatever the status.</summary>
    public static KeyValuePair<string, object?> OutcomeTag(int status) => new("outcome", status switch
    {
        >= 200 and < 300 => "success",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status412PreconditionFailed => "precondition_failed",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        >= 400 and < 500 => "client_error",
        _ => "server_error",
    });

    public void Operation(in KeyValuePair<string, object?> kind, int status, string? store)
    {
        if (store is null)
        {
            _operations.Add(1, kind, OutcomeTag(status));
        }
        else
        {
            _operations.Add(1, kind, OutcomeTag(status), new KeyValuePair<string, object?>("store", store));
        }
    }

    /// <summary>One answer of the token endpoint; a grant type outside the known set is "other".</summary>
    public void Token(string? grantType, bool issued) =>
        _tokens.Add(1, new KeyValuePair<string, object?>("grant_type", GrantTag(grantType)), issued ? Issued : Refused);

    public static string GrantTag(string? grantType) =>
        grantType is not null && GrantTypes.Contains(grantType) ? grantType : "other";

    /// <summary>A span for one authorization step ("caller": the bearer token; "store_right": the route's right).</summary>
    public static Activity? StartAuthorization(string step)
    {
        var activity = Source.StartActivity("authorize");
        activity?.SetTag("stowage.authorize.step", step);
        return activity;
    }

    public static void Allowed(Activity? activity, bool allowed) => activity?.SetTag("stowage.authorize.outcome", allowed ? "allowed" : "refused");
}
