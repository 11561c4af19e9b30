using System.Collections.Concurrent;
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

    /// <summary>The outcome tags, in <see cref="OutcomeIndex"/>'s order.</summary>
    private static readonly KeyValuePair<string, object?>[] OutcomeTags =
    [
        new("outcome", "success"), new("outcome", "forbidden"), new("outcome", "not_found"), new("outcome", "conflict"),
        new("outcome", "precondition_failed"), new("outcome", "rate_limited"), new("outcome", "client_error"), new("outcome", "server_error"),
    ];

    /// <summary>With <see cref="PerStore"/> only: a successful operation's tags name its store, which no fixed table can hold.</summary>
    private readonly Counter<long>? _operations;

    /// <summary>Otherwise: the kinds' counts, summed when metrics are collected.</summary>
    private readonly ObservableCounter<long>? _observedOperations;

    private readonly ConcurrentDictionary<string, OperationCounts> _kinds = new(StringComparer.Ordinal);
    private readonly Counter<long> _tokens;

    public ServerTelemetry(IMeterFactory meters, StowageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = StowageTelemetry.Meter(meters);
        PerStore = options.Metrics.PerStore;
        const string Operations = "Object Store data-plane requests that passed authentication, by kind and outcome.";

        // A Counter's Add looks its tags up and updates one point that every request thread
        // writes; the observable counter's requests each write their own processor's counts
        // (performance.md, "The operations counter without a shared write").
        if (PerStore)
        {
            _operations = meter.CreateCounter<long>(StowageTelemetry.DataPlaneOperations, "{operation}", Operations);
        }
        else
        {
            _observedOperations = meter.CreateObservableCounter(StowageTelemetry.DataPlaneOperations, ObserveOperations, "{operation}", Operations);
        }

        _tokens = meter.CreateCounter<long>(
            StowageTelemetry.Tokens, "{token}", "Answers of the token endpoint: tokens issued and requests refused, by grant type.");
    }

    public bool PerStore { get; }

    /// <summary>The outcome of an HTTP status, as an index into a handful of classes, whatever the status.</summary>
    public static int OutcomeIndex(int status) => status switch
    {
        >= 200 and < 300 => 0,
        StatusCodes.Status403Forbidden => 1,
        StatusCodes.Status404NotFound => 2,
        StatusCodes.Status409Conflict => 3,
        StatusCodes.Status412PreconditionFailed => 4,
        StatusCodes.Status429TooManyRequests => 5,
        >= 400 and < 500 => 6,
        _ => 7,
    };

    /// <summary>The outcome tag of an HTTP status.</summary>
    public static KeyValuePair<string, object?> OutcomeTag(int status) => OutcomeTags[OutcomeIndex(status)];

    /// <summary>The counts of one kind of operation (the route's name in snake_case), the same object for the same kind.</summary>
    public OperationCounts Kind(string kind) => _kinds.GetOrAdd(kind, static name => new OperationCounts(name, OperationCounts.DefaultStripes));

    public void Operation(OperationCounts kind, int status, string? store)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (_operations is null)
        {
            // Nothing to count for when no listener collects (metrics off).
            if (_observedOperations!.Enabled)
            {
                kind.Increment(OutcomeIndex(status));
            }
        }
        else if (store is null)
        {
            _operations.Add(1, kind.Tag, OutcomeTag(status));
        }
        else
        {
            _operations.Add(1, kind.Tag, OutcomeTag(status), new KeyValuePair<string, object?>("store", store));
        }
    }

    private IEnumerable<Measurement<long>> ObserveOperations()
    {
        foreach (var kind in _kinds.Values)
        {
            for (var outcome = 0; outcome < OperationCounts.Outcomes; outcome++)
            {
                // Like a Counter's, a series appears with its first operation.
                if (kind.Sum(outcome) is > 0 and var count)
                {
                    yield return new Measurement<long>(count, kind.Tag, OutcomeTags[outcome]);
                }
            }
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
