using System.Diagnostics.Metrics;
using Stowage.Access.Audit;

namespace Stowage.Access.Tests.Audit;

public sealed class RefusalCountersTests : IDisposable
{
    private readonly TestMeterFactory _meters = new();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, string?> Tags)> _measurements = [];
    private readonly RefusalCounters _counters;

    public RefusalCountersTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == _meters)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string))));
        _listener.Start();
        _counters = new RefusalCounters(_meters);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public void OAuthRefused_EveryRefusal_CountedWithBoundedTags()
    {
        _counters.OAuthRefused("token", "unknown client", RefusedSubject.Unknown, "10.0.0.1");
        _counters.OAuthRefused("revocation", "wrong client secret", RefusedSubject.Known, "10.0.0.1");
        _counters.OAuthRefused("token", "my-secret-sent-as-a-reason", RefusedSubject.None, "10.0.0.1");
        _counters.OAuthRefused("/something/else", "invalid_request", RefusedSubject.None, "10.0.0.1");

        Assert.Equal(
            [
                "stowage.oauth.refusals token unknown_client unknown", "stowage.oauth.refusals revocation wrong_client_secret known",
                "stowage.oauth.refusals token other none", "stowage.oauth.refusals other invalid_request none",
            ],
            _measurements.Select(m => $"{m.Instrument} {m.Tags["endpoint"]} {m.Tags["reason"]} {m.Tags["client"]}"));
        Assert.All(_measurements, m => Assert.Equal(1, m.Value));
    }

    [Fact]
    public void SignInRefused_KnownAndUnknownUsers_CountedWithChannelReasonAndUser()
    {
        _counters.SignInRefused(SignInSource.Api("10.0.0.1"), SignInRefusals.UnknownUser, knownUser: false, "10.0.0.1");
        _counters.SignInRefused(SignInSource.Console("10.0.0.1"), SignInRefusals.Throttled, knownUser: true, "10.0.0.1");

        Assert.Equal(
            ["stowage.sign_in.refusals api unknown_user unknown", "stowage.sign_in.refusals console throttled known"],
            _measurements.Select(m => $"{m.Instrument} {m.Tags["channel"]} {m.Tags["reason"]} {m.Tags["user"]}"));
    }

    [Fact]
    public void TakeSummary_OnlyRefusalsNamingNobody_ThenStartsAgain()
    {
        for (var i = 0; i < 10; i++)
        {
            _counters.OAuthRefused("token", "unknown client", RefusedSubject.Unknown, "10.0.0." + i);
        }

        _counters.OAuthRefused("token", "wrong client secret", RefusedSubject.Known, "10.0.0.1");
        _counters.SignInRefused(SignInSource.Console("10.0.0.1"), SignInRefusals.UnknownUser, knownUser: false, "10.0.0.1");

        var summary = _counters.TakeSummary();

        Assert.Equal(
            new RefusalTally(11, "sign_in.console/unknown_user=1, token/unknown_client=10", "10.0.0.0,10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0.7,…"),
            summary);
        Assert.Null(_counters.TakeSummary());
    }
}
