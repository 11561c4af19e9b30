using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Stowage.Server.Tests.Infrastructure;

/// <summary>
/// Every measurement of one instrument of one server (its own meter factory, so servers of
/// tests running at the same time do not mix), with its tags.
/// </summary>
public sealed class MetricCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public MetricCapture(StowageFactory factory, string instrumentName)
    {
        var scope = factory.Services.GetRequiredService<IMeterFactory>();
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

    /// <summary>The sum of the measurements carrying every one of <paramref name="tags"/>.</summary>
    public long Sum(params (string Key, string Value)[] tags) =>
        _measurements
            .Where(m => tags.All(t => m.Tags.Any(k => k.Key == t.Key && Equals(k.Value, t.Value))))
            .Sum(m => m.Value);

    /// <summary>Every tag value seen, as text.</summary>
    public IEnumerable<string> TagValues() => _measurements.SelectMany(m => m.Tags).Select(t => t.Value?.ToString() ?? string.Empty);

    public void Dispose() => _listener.Dispose();
}
