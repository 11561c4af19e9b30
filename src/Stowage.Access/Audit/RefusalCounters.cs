using System.Diagnostics.Metrics;

namespace Stowage.Access.Audit;

/// <summary>Whether a refused request named a known app or user, an unknown one, or none at all.</summary>
public enum RefusedSubject
{
    Known,
    Unknown,
    None,
}

/// <summary>What <see cref="RefusalCounters.TakeSummary"/> hands the log: refusals the audit log did not record.</summary>
public sealed record RefusalTally(long Count, string Breakdown, string Addresses);

/// <summary>
/// Refused authentications as metrics on the "Stowage" meter, and a tally of the ones the
/// audit log does not record because they name no known app or user (anyone can send those
/// without end) for one periodic log line. Tag values come from fixed sets, never from the
/// request: what a client claims to be may be a secret in the wrong field.
/// </summary>
public sealed class RefusalCounters
{
    public const string MeterName = "Stowage";
    public const string OAuthInstrument = "stowage.oauth.refusals";
    public const string SignInInstrument = "stowage.sign_in.refusals";
    public const int MaxSampledAddresses = 8;

    private static readonly HashSet<string> Endpoints = new(["token", "revocation", "introspection"], StringComparer.Ordinal);
    private static readonly HashSet<string> Channels = new([SignInSource.ApiChannel, SignInSource.ConsoleChannel], StringComparer.Ordinal);
    private static readonly HashSet<string> Reasons = new(
    [
        "unknown_client", "no_client_secret", "wrong_client_secret", "app_disabled", "grant_type_not_allowed_for_this_app", "throttled",
        "invalid_request", "invalid_client", "invalid_grant", "invalid_scope", "unauthorized_client", "unsupported_grant_type",
        "unsupported_token_type", "invalid_token", "too_many_requests", "server_error", "temporarily_unavailable",
        SignInRefusals.UnknownUser, SignInRefusals.WrongPassword,
    ], StringComparer.Ordinal);

    private readonly Counter<long> _oauth;
    private readonly Counter<long> _signIn;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, long> _tally = new(StringComparer.Ordinal);
    private readonly List<string> _addresses = [];
    private bool _moreAddresses;
    private long _count;

    public RefusalCounters(IMeterFactory meters)
    {
        var meter = meters.Create(new MeterOptions(MeterName));
        _oauth = meter.CreateCounter<long>(OAuthInstrument, "{refusal}", "Requests refused at the token, revocation and introspection endpoints.");
        _signIn = meter.CreateCounter<long>(SignInInstrument, "{refusal}", "Sign-ins refused, through the API and the console.");
    }

    /// <summary>
    /// One refusal at the token (revocation, introspection) endpoint; the reason is a refusal
    /// code (snake_case) or text that becomes one, anything outside the fixed set "other".
    /// </summary>
    public void OAuthRefused(string endpoint, string reason, RefusedSubject client, string? address)
    {
        var endpointTag = Endpoints.Contains(endpoint) ? endpoint : "other";
        var reasonTag = ReasonTag(reason);
        _oauth.Add(1, new("endpoint", endpointTag), new("reason", reasonTag), new("client", SubjectTag(client)));
        if (client != RefusedSubject.Known)
        {
            Tally($"{endpointTag}/{reasonTag}", address);
        }
    }

    public void SignInRefused(SignInSource source, string reason, bool knownUser, string? address)
    {
        var channel = Channels.Contains(source.Channel) ? source.Channel : "other";
        var reasonTag = ReasonTag(reason);
        _signIn.Add(1, new("channel", channel), new("reason", reasonTag), new("user", knownUser ? "known" : "unknown"));
        if (!knownUser)
        {
            Tally($"sign_in.{channel}/{reasonTag}", address);
        }
    }

    /// <summary>The tally since the last call, which starts a new one; null when it is empty.</summary>
    public RefusalTally? TakeSummary()
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return null;
            }

            var summary = new RefusalTally(
                _count,
                string.Join(", ", _tally.Select(p => $"{p.Key}={p.Value}")),
                string.Join(',', _addresses) + (_moreAddresses ? ",…" : string.Empty));
            _tally.Clear();
            _addresses.Clear();
            _moreAddresses = false;
            _count = 0;
            return summary;
        }
    }

    private static string ReasonTag(string reason)
    {
        var code = reason.Replace(' ', '_');
        return Reasons.Contains(code) ? code : "other";
    }

    private static string SubjectTag(RefusedSubject subject) => subject switch
    {
        RefusedSubject.Known => "known",
        RefusedSubject.Unknown => "unknown",
        _ => "none",
    };

    private void Tally(string key, string? address)
    {
        lock (_gate)
        {
            _count++;
            _tally[key] = _tally.GetValueOrDefault(key) + 1;
            if (address is null || _addresses.Contains(address))
            {
                return;
            }

            if (_addresses.Count < MaxSampledAddresses)
            {
                _addresses.Add(address);
            }
            else
            {
                _moreAddresses = true;
            }
        }
    }
}
