using System.Diagnostics;

namespace Stowage.Bench.Harness;

/// <summary>
/// The two SQLite servers of the metrics.* scenarios, alike but for Stowage:Metrics:Enabled.
/// <para>
/// Single processes of one build, measured one after another, spread here by up to a tenth
/// in CPU per request (docs/performance.md, "The metrics pair: another pair for every
/// round"), which is more than the cost being measured. So the pair is started afresh,
/// on the same ports and data directories, before every round after the first: each round's
/// on/off ratio comes from another pair of processes, and the median of the rounds' ratios is
/// not one pair's luck. With <see cref="Options.MetricsControl"/> both servers run with metrics
/// off (an A/A control: what the method reports when there is nothing to find).
/// </para>
/// </summary>
internal sealed class MetricsPair(Servers servers, Children children, Options options)
{
    private const string OffName = "stowage-metrics-off";
    private const string OnName = "stowage-metrics-on";

    private Process? _off;
    private Process? _on;

    public StowageTarget Off { get; private set; } = null!;

    public StowageTarget On { get; private set; } = null!;

    public int OffPid => _off?.Id ?? 0;

    public int OnPid => _on?.Id ?? 0;

    /// <summary>How many pairs of processes the run has measured so far.</summary>
    public int Generation { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        (var offUrl, _off) = await servers.StartStowageAsync(cancellationToken, OffName, metrics: false);
        (var onUrl, _on) = await servers.StartStowageAsync(cancellationToken, OnName, metrics: !options.MetricsControl);
        Off = await StowageSetup.PrepareAsync(offUrl, await StowageSetup.AdminPasswordAsync(servers.DataDirectoryOf(OffName), cancellationToken), options.ValueBytes, cancellationToken);
        On = await StowageSetup.PrepareAsync(onUrl, await StowageSetup.AdminPasswordAsync(servers.DataDirectoryOf(OnName), cancellationToken), options.ValueBytes, cancellationToken);
        Generation = 1;
    }

    /// <summary>Stops both servers and starts new processes on the same addresses and data (the targets' tokens stay valid).</summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        children.Stop(_on!);
        children.Stop(_off!);
        (_, _off) = await servers.StartStowageAsync(cancellationToken, OffName, metrics: false, Off.Url);
        (_, _on) = await servers.StartStowageAsync(cancellationToken, OnName, metrics: !options.MetricsControl, On.Url);
        Generation++;
    }
}
