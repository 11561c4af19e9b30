using System.Diagnostics;
using System.Text;
using Stowage.Bench.Harness;

// bench/run builds Release and installs the peers, then runs this: start everything on
// loopback, populate, measure with wrk (warm-up, interleaved rounds, medians), report.
var options = Options.Parse(args);
var work = Directory.CreateTempSubdirectory("stowage-bench-").FullName;
var logs = Directory.CreateDirectory(Path.Combine(work, "logs")).FullName;
using var cancel = new CancellationTokenSource();
using var children = new Children(logs);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => children.StopAll();

var wrkDirectory = Path.Combine(options.Repository, "bench", "wrk");
var clock = Stopwatch.StartNew();
try
{
    var ct = cancel.Token;
    var servers = new Servers(children, options.Repository, work);
    Log("starting the ceiling, Stowage (SQLite), etcd and oidc-provider on 127.0.0.1");
    var ceiling = await servers.StartCeilingAsync(ct);
    var (stowageUrl, stowage) = await servers.StartStowageAsync(ct);
    var etcd = await servers.StartEtcdAsync(ct);
    var oidc = await servers.StartOidcAsync(ct);
    var target = await StowageSetup.PrepareAsync(
        stowageUrl, await StowageSetup.AdminPasswordAsync(servers.StowageDataDirectory, ct), options.ValueBytes, ct);
    await EtcdPutAsync(etcd, "bench/hot", new string('v', options.ValueBytes), ct);
    var (postgres, cluster) = await StartPostgresAsync(servers, ct);
    using var refresh = options.Only is null || options.Only.Contains(Scenarios.Refresh)
        ? await RefreshChains.CreateAsync(
            stowageUrl, await StowageSetup.AdminPasswordAsync(servers.StowageDataDirectory, ct), Path.Combine(work, "refresh-tokens.txt"), ct)
        : null;

    var metricsPair = await StartMetricsPairAsync(servers, ct);
    using var scraper = metricsPair is { } p ? MetricsScraper.Start(() => p.On.Url) : null;

    var populate = await PopulateAsync(target, servers.StowageDataDirectory, ct);
    var peakAfterPopulate = Footprint.PeakRss(stowage.Id);

    var cli = new CliBench(options, target, work);
    var scenarios = Scenarios.All(options, target, ceiling, etcd, oidc, postgres, cluster, refresh, metricsPair is { } pair ? (pair.Off, pair.On) : null)
        .Concat(cli.Scenarios())
        .Where(s => options.Only?.Contains(s.Name) ?? true).ToList();
    if (scenarios.Count == 0)
    {
        throw new ArgumentException("--only names no scenario (see docs/performance.md for their names)");
    }

    Log($"warming up {scenarios.Count} scenarios ({options.WarmUp.TotalSeconds:0} s each, the metrics pair's {options.PairWarmUp.TotalSeconds:0} s)");
    foreach (var scenario in scenarios)
    {
        var warmUp = Scenarios.OnMetricsPair.Contains(scenario.Name) ? options.PairWarmUp : options.WarmUp;
        await Wrk.RunAsync(wrkDirectory, scenario, options.Threads, options.Connections, warmUp, ct);
    }

    // The main server's scenarios (the command line's too: its figure is the server's per key),
    // the metrics pair's each on its own server, and the peers'
    // ("ceiling.get" on the ceiling, "etcd.*" on etcd, "oidc.*" on oidc-provider). PostgreSQL's
    // work happens in its own backend processes, so the postgres.* and cluster.* figures have none.
    int? ServerOf(Scenario s) =>
        s.Name.StartsWith("stowage.", StringComparison.Ordinal) || s.Name.StartsWith("cli.", StringComparison.Ordinal) ? stowage.Id
        : metricsPair is { } pair && Scenarios.OnMetricsPair.Contains(s.Name) ? (s.Name.StartsWith("metrics.on.", StringComparison.Ordinal) ? pair.OnPid : pair.OffPid)
        : servers.PeerPids.TryGetValue(Family(s.Name), out var peer) ? peer
        : null;

    // A metrics pair scenario aimed at the server that has its setting this round (the two
    // change places every round: MetricsPair says why); every other scenario as it is.
    Scenario Current(Scenario s) =>
        metricsPair is { } pair && Scenarios.OnMetricsPair.Contains(s.Name)
            ? Scenarios.OnMetricsPairServer(options, s.Name, s.Name.StartsWith("metrics.on.", StringComparison.Ordinal) ? pair.On : pair.Off)
            : s;

    // Rounds are interleaved so drift on a shared machine hits every scenario alike, and
    // every other round runs backwards (A B C, C B A, …): what a scenario leaves running
    // behind it (a flush, a checkpoint, a collection) falls on its neighbour once on each side.
    // The main server's peak RSS is read and restarted around each of its measured runs, so
    // each scenario's own peak is known (the "rss MB" column); the largest reading is the whole run's.
    var peakSoFar = Math.Max(peakAfterPopulate, Footprint.RestartPeak(stowage.Id));
    var runs = scenarios.ToDictionary(s => s.Name, _ => new List<WrkRun>());
    var noisy = 0;
    for (var round = 1; round <= options.Rounds; round++)
    {
        Log($"round {round} of {options.Rounds}");
        if (round > 1 && metricsPair is not null)
        {
            // Another pair of processes for every round (MetricsPair says why), warmed up like the first.
            await metricsPair.RenewAsync(ct);
            foreach (var scenario in scenarios.Where(s => Scenarios.OnMetricsPair.Contains(s.Name)))
            {
                await Wrk.RunAsync(wrkDirectory, Current(scenario), options.Threads, options.Connections, options.PairWarmUp, ct);
            }
        }

        var line = new StringBuilder();
        var pairedThisRound = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listed in round % 2 == 1 ? scenarios : Enumerable.Reverse(scenarios))
        {
            var scenario = Current(listed);
            if (pairedThisRound.Contains(scenario.Name))
            {
                continue;
            }

            if (!await Quiet.WaitAsync(ct))
            {
                noisy++;
            }

            // The metrics pair's off and on scenarios of one kind, and GET with and without a
            // limit, measured together in alternating windows (Interleaved says why) when both run.
            if (options.PairWindows > 0 && Scenarios.MeasuredTogetherWith(scenario.Name) is { } partnerName
                && scenarios.FirstOrDefault(s => s.Name == partnerName) is { } partner)
            {
                // Both on the main server (GET with and without a limit): the windows' peak is both scenarios' own.
                var onMain = ServerOf(scenario) == stowage.Id;
                if (onMain)
                {
                    peakSoFar = Math.Max(peakSoFar, Footprint.RestartPeak(stowage.Id));
                }

                var (mine, theirs) = await Interleaved.RunAsync(
                    wrkDirectory, (scenario, ServerOf(scenario)!.Value), (Current(partner), ServerOf(partner)!.Value), options, ct);
                if (onMain)
                {
                    var together = Footprint.RestartPeak(stowage.Id);
                    peakSoFar = Math.Max(peakSoFar, together);
                    (mine, theirs) = (mine with { ServerPeakRssBytes = together }, theirs with { ServerPeakRssBytes = together });
                }

                foreach (var (name, measured) in (ReadOnlySpan<(string, WrkRun)>)[(scenario.Name, mine), (partner.Name, theirs)])
                {
                    runs[name].Add(measured);
                    pairedThisRound.Add(name);
                    line.Append(System.Globalization.CultureInfo.InvariantCulture, $" {name} {measured.RequestsPerSecond:F0}");
                    if (measured.ServerCpuUsPerRequest is { } pairUs)
                    {
                        line.Append(System.Globalization.CultureInfo.InvariantCulture, $" ({pairUs:F0} us)");
                    }
                }

                continue;
            }

            var server = ServerOf(scenario);
            if (server == stowage.Id)
            {
                peakSoFar = Math.Max(peakSoFar, Footprint.RestartPeak(stowage.Id));
            }

            var cpuBefore = server is { } pid ? ServerCpu.Read(pid) : null;
            var writtenBefore = server is { } same ? ServerCpu.WrittenBytes(same) : null;
            var run = await Wrk.RunAsync(wrkDirectory, scenario, options.Threads, options.Connections, options.Duration, ct);
            if (cpuBefore is { } before && ServerCpu.Read(server!.Value) is { } after && run.Requests > 0)
            {
                run = run with { ServerCpuUsPerRequest = (after - before).TotalMicroseconds / run.Requests };
            }

            if (writtenBefore is { } wBefore && ServerCpu.WrittenBytes(server!.Value) is { } wAfter && run.Requests > 0)
            {
                run = run with { ServerWrittenBytesPerRequest = (double)(wAfter - wBefore) / run.Requests };
            }

            if (server == stowage.Id)
            {
                var peak = Footprint.RestartPeak(stowage.Id);
                peakSoFar = Math.Max(peakSoFar, peak);
                run = run with { ServerPeakRssBytes = peak };
            }

            runs[scenario.Name].Add(run);
            line.Append(System.Globalization.CultureInfo.InvariantCulture, $" {scenario.Name} {run.RequestsPerSecond:F0}");
            if (run.ServerCpuUsPerRequest is { } us)
            {
                line.Append(System.Globalization.CultureInfo.InvariantCulture, $" ({us:F0} us)");
            }
        }

        Log("  req/s:" + line);
    }

    if (noisy > 0)
    {
        Log($"{noisy} measured runs started on a machine that had not gone quiet within 10 s (other load)");
    }

    var footprint = Footprint.Measure(stowage.Id, servers.StowageDataDirectory, peakAfterPopulate, peakSoFar, populate, options.Keys);

    // After the footprint is read: a trace session has buffers of its own.
    if (options.Trace)
    {
        var traces = Directory.CreateDirectory(Path.Combine(work, "traces")).FullName;
        foreach (var scenario in scenarios.Where(s => ServerOf(s) is not null && !servers.PeerPids.ContainsKey(Family(s.Name))))
        {
            Log($"tracing {scenario.Name}");
            var file = await Tracing.TraceAsync(traces, ServerOf(scenario)!.Value, wrkDirectory, Current(scenario), options, ct);
            Log($"  {file}");
        }
    }

    if (scraper is not null)
    {
        // A scrape fails while the pair is being started afresh; every other one succeeds.
        Log($"the metrics server was scraped {scraper.Scrapes} times ({scraper.Failures} failed) by {metricsPair!.Generation} pairs of processes"
            + (options.MetricsControl ? "; control run: both servers of the pair had metrics off" : string.Empty));
    }

    var report = new Report(options, scenarios.Select(s => new ScenarioResult(s, runs[s.Name])).ToList(), footprint, clock.Elapsed);
    Console.WriteLine();
    report.Print(Console.Out);
    if (options.Only is null)
    {
        var file = report.Save();
        Console.WriteLine($"Results written to {Path.GetRelativePath(options.Repository, file)}");
    }
    else
    {
        Console.WriteLine("Not written to bench/results: --only ran part of the scenarios.");
    }
    return report.Valid ? 0 : 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Interrupted; stopping everything.");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"bench failed: {e.Message}\n(logs in {logs})");
    options = options with { Keep = true };
    return 1;
}
finally
{
    children.StopAll();
    if (!options.Keep)
    {
        Directory.Delete(work, recursive: true);
    }
}

// The big partition is seeded beside the running server (see Seeder for why not through
// the API), then checked through the API: the store's exact key count.
async Task<TimeSpan> PopulateAsync(StowageTarget target, string dataDirectory, CancellationToken ct)
{
    Log($"seeding {options.Keys:N0} keys into {StowageTarget.BigStore}/{StowageTarget.BigPartition}");
    var started = Stopwatch.StartNew();
    var partition = new Stowage.ObjectStore.PartitionAddress(
        new Stowage.ObjectStore.StoreAddress(target.Org, target.Env, StowageTarget.BigStore), StowageTarget.BigPartition);
    await Seeder.SeedAsync(dataDirectory, partition, options.Keys, options.BigValueBytes, ct);
    var count = await target.KeyCountAsync(StowageTarget.BigStore, ct);
    if (count != options.Keys)
    {
        throw new InvalidOperationException($"the big store holds {count} keys, not {options.Keys}");
    }

    Log($"seeded in {started.Elapsed.TotalSeconds:0} s");
    return started.Elapsed;
}

// PostgreSQL, three nodes on it and haproxy in front, only when a scenario needs them. The
// first node is also the single node of the postgres.* scenarios; the cluster.* scenarios
// go through haproxy to all three. Both are prepared through the API like the SQLite server.
async Task<(StowageTarget? Postgres, StowageTarget? Cluster)> StartPostgresAsync(Servers servers, CancellationToken ct)
{
    if (options.Only is not null && !options.Only.Overlaps(Scenarios.OnPostgres))
    {
        return (null, null);
    }

    Log("starting PostgreSQL, three Stowage nodes on it and haproxy in front");
    var connectionString = await servers.StartPostgresAsync(ct);
    var balancer = new Uri($"http://127.0.0.1:{Servers.LowFreePort()}/");
    var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    var nodes = await servers.StartPostgresNodesAsync(3, connectionString, password, balancer, ct);
    await servers.StartHaproxyAsync(balancer, nodes, ct);
    var single = await StowageSetup.PrepareAsync(nodes[0], password, options.ValueBytes, ct);
    return (single, single with { Url = balancer });
}

// Two more SQLite servers alike but for Stowage:Metrics:Enabled, only when a metrics.*
// scenario runs, started afresh for every round with the "on" one in the other place; the "on" one is
// scraped every second while the harness runs.
async Task<MetricsPair?> StartMetricsPairAsync(Servers servers, CancellationToken ct)
{
    if (options.Only is not null && !options.Only.Overlaps(Scenarios.OnMetricsPair))
    {
        return null;
    }

    Log(options.MetricsControl
        ? "starting two more Stowage servers (SQLite), both with metrics off (control run)"
        : "starting two more Stowage servers (SQLite), metrics off and on");
    var pair = new MetricsPair(servers, children, options);
    await pair.StartAsync(ct);
    return pair;
}

static async Task EtcdPutAsync(Uri etcd, string key, string value, CancellationToken ct)
{
    using var http = new HttpClient();
    static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
    using var body = new StringContent($"{{\"key\":\"{B64(key)}\",\"value\":\"{B64(value)}\"}}", Encoding.UTF8, "application/json");
    using var response = await http.PostAsync(new Uri(etcd, "v3/kv/put"), body, ct);
    response.EnsureSuccessStatusCode();
}

// "etcd.put" → "etcd": the server a scenario's name starts with.
static string Family(string name) => name.Split('.')[0];

void Log(string message) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {message}");
