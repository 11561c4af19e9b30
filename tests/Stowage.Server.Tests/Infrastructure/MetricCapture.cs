using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Stowage.Server.Tests.Infrastructure;

/// <summary>
/// Every measurement of one instrument of one server (its own meter factory, so servers of
/// tests running at the same time do not mix), with its tags; an observable instrument's
/// measurements are taken by <see cref="Collect"/>.
/// </summary>
public sealed class MetricCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public MetricCapture(StowageFactory factory, string instrumentName)
        : this(factory.Services.GetRequiredService<IMeterFactory>(), instrumentName)
    {
    }

    /// <summary>The instrument named <paramref name="instrumentName"/> on the meters of <paramref name="scope"/>.</summary>
    public MetricCapture(IMeterFactory scope, string instrumentName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == instrumentName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => _measurements.Enqueue((value, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>Every measurement so far, in order.</summary>
    public IReadOnlyList<(long Value, KeyValuePair<string, object?>[] Tags)> Measurements => [.. _measurements];

    /// <summary>Asks the observable instruments for their measurements now, as a collection does.</summary>
    public void Collect() => _listener.RecordObservableInstruments();

    public void Clear() => _measurements.Clear();

    /// <summary>The sum of the measurements carrying every one of <paramref name="tags"/>.</summary>
    public long Sum(params (string Key, string Value)[] tags) =>
        _measurements
            .Where(m => tags.All(t => m.Tags.Any(k => k.Key == t.Key && Equals(k.Value, t.Value))))
            .Sum(m => m.Value);

    /// <summary>Every tag value seen, as text.</summary>
    public IEnumerable<string> TagValues() => _measurements.SelectMany(m => m.Tags).Select(t => t.Value?.ToString() ?? string.Empty);

    public void Dispose() => _listener.Dispose();
}
