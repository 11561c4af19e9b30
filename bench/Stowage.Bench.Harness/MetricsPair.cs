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
/// <para>
/// The two servers have places (a port and a data directory each, and the place started
/// first), and with nothing to tell them apart one place measured a percent or two slower than
/// the other: the second in one day's controls, the first in the next control run
/// (docs/performance.md, "The metrics pair's two places"). So the server with
/// metrics on changes places every round: the first round has it in the second place, the
/// next in the first, and so on; <see cref="Off"/> and <see cref="On"/> follow it.
/// </para>
/// </summary>
internal sealed class MetricsPair(Servers servers, Children children, Options options)
{
    private static readonly string[] Places = ["stowage-metrics-1", "stowage-metrics-2"];

    private readonly Process?[] _processes = new Process?[2];
    private readonly StowageTarget[] _targets = new StowageTarget[2];

    /// <summary>How many pairs of processes the run has measured so far.</summary>
    public int Generation { get; private set; }

    /// <summary>The place of the server with metrics on: the second in odd generations, the first in even ones.</summary>
    public int OnPlace => Generation % 2 == 1 ? 1 : 0;

    public StowageTarget Off => _targets[1 - OnPlace];

    public StowageTarget On => _targets[OnPlace];

    public int OffPid => _processes[1 - OnPlace]?.Id ?? 0;

    public int OnPid => _processes[OnPlace]?.Id ?? 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Generation = 1;
        for (var place = 0; place < Places.Length; place++)
        {
            (var url, _processes[place]) = await servers.StartStowageAsync(cancellationToken, Places[place], MetricsAt(place));
            _targets[place] = await StowageSetup.PrepareAsync(
                url, await StowageSetup.AdminPasswordAsync(servers.DataDirectoryOf(Places[place]), cancellationToken), options.ValueBytes, cancellationToken);
        }
    }

    /// <summary>
    /// Stops both servers and starts new processes on the same addresses and data (the targets'
    /// tokens stay valid), the first place first as always, with metrics on in the other place.
    /// </summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        foreach (var process in _processes)
        {
            children.Stop(process!);
        }

        Generation++;
        for (var place = 0; place < Places.Length; place++)
        {
            (_, _processes[place]) = await servers.StartStowageAsync(cancellationToken, Places[place], MetricsAt(place), _targets[place].Url);
        }
    }

    private bool MetricsAt(int place) => place == OnPlace && !options.MetricsControl;
}
