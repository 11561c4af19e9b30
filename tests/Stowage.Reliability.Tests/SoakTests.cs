using System.Globalization;
using Stowage.Client;
using Stowage.Server.Tests.Process;
using Xunit.Abstractions;

namespace Stowage.Reliability.Tests;

/// <summary>
/// Soak (long form only): mixed load against a real server process for 10 minutes
/// (STOWAGE_SOAK_SECONDS overrides) while its resident memory and open file descriptors are
/// sampled from /proc. After a warm-up fifth, the median of the last third may not exceed the
/// median of the first third by more than the tolerance: a leak grows steadily, noise does not.
/// The key space is bounded, so the data itself does not grow.
/// </summary>
[Collection(ServerProcessCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private const int Workers = 6;
    private const int KeySpace = 2_000;
    private const double RssTolerance = 1.25;
    private const long RssSlackKb = 16 * 1024;
    private const int HandleSlack = 16;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [LongFormFact]
    public async Task MixedLoad_TenMinutes_NoGrowthTrendInMemoryOrHandles()
    {
        var duration = TimeSpan.FromSeconds(ReliabilityForm.Pick(600, 600, "STOWAGE_SOAK_SECONDS"));
        using var server = await ServerProcess.StartAsync(new ServerStartInfo(_directory.DataDirectory));
        var session = await ProcessTestSupport.SignInAsync(server.BaseAddress);
        using (var admin = session.CreateClient())
        {
            await admin.PutStoreAsync(session.OrganizationId, session.EnvironmentId, "soak");
        }

        using var stop = new CancellationTokenSource(duration);
        var errors = new List<string>();
        var requests = 0L;
        var load = Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkerAsync(session, w, () => Interlocked.Increment(ref requests), errors, stop.Token))).ToArray();
        var samples = new List<(long RssKb, int Handles)>();
        while (!stop.IsCancellationRequested)
        {
            samples.Add(Sample(server.ProcessId));
            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        await Task.WhenAll(load);
        var steady = samples.Skip(samples.Count / 5).ToList();
        var third = steady.Count / 3;
        var (firstRss, lastRss) = (Median(steady.Take(third).Select(s => s.RssKb)), Median(steady.TakeLast(third).Select(s => s.RssKb)));
        var (firstFds, lastFds) = (Median(steady.Take(third).Select(s => (long)s.Handles)), Median(steady.TakeLast(third).Select(s => (long)s.Handles)));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{duration.TotalSeconds} s, {requests} requests, {samples.Count} samples; RSS median {firstRss / 1024} MB → {lastRss / 1024} MB (peak {samples.Max(s => s.RssKb) / 1024} MB); fds median {firstFds} → {lastFds}"));

        lock (errors)
        {
            Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        }

        Assert.False(server.HasExited, server.Output);
        Assert.True(lastRss <= firstRss * RssTolerance + RssSlackKb, $"RSS grew from {firstRss} KB to {lastRss} KB");
        Assert.True(lastFds <= firstFds + HandleSlack, $"open file descriptors grew from {firstFds} to {lastFds}");
    }

    private static async Task WorkerAsync(AdminSession session, int worker, Action count, List<string> errors, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = session.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var rng = new Random(worker);
        var (org, env) = (session.OrganizationId, session.EnvironmentId);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Requests get CancellationToken.None: stopping ends the loop, not a request midway.
                // A fresh login now and then: sessions and tokens are state that could leak too.
                using var client = new StowageClient(http, new StaticTokenSource(rng.Next(50) == 0
                    ? (await StowageClient.LoginAsync(http, ProcessTestSupport.AdminUsername, ProcessTestSupport.AdminPassword, CancellationToken.None)).AccessToken
                    : session.Token));
                for (var i = 0; i < 50 && !stop.IsCancellationRequested; i++, count())
                {
                    var key = $"k{rng.Next(KeySpace):D5}";
                    var roll = rng.Next(100);
                    if (roll < 45)
                    {
                        await client.PutStringAsync(org, env, "soak", $"p{rng.Next(8)}", key, new string('v', rng.Next(1, 4096)), cancellationToken: CancellationToken.None);
                    }
                    else if (roll < 75)
                    {
                        await ReadAsync(client, org, env, $"p{rng.Next(8)}", key);
                    }
                    else if (roll < 90)
                    {
                        await DeleteAsync(client, org, env, $"p{rng.Next(8)}", key);
                    }
                    else
                    {
                        await client.GetValuesPageAsync(org, env, "soak", $"p{rng.Next(8)}", pageSize: 50, cancellationToken: CancellationToken.None);
                    }
                }
            }
            catch (StowageApiException e) when (e.Status == 404)
            {
                // A partition not written yet.
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                lock (errors)
                {
                    errors.Add($"worker {worker}: {e.GetType().Name}: {e.Message}");
                }
            }
            catch (Exception)
            {
                // Stopping: an interrupted request is expected.
            }
        }
    }

    private static async Task ReadAsync(StowageClient client, string org, string env, string partition, string key)
    {
        try
        {
            await client.GetValueAsync(org, env, "soak", partition, key);
        }
        catch (StowageApiException e) when (e.Status == 404)
        {
            // Not written yet, or deleted.
        }
    }

    private static async Task DeleteAsync(StowageClient client, string org, string env, string partition, string key)
    {
        try
        {
            await client.DeleteKeyAsync(org, env, "soak", partition, key);
        }
        catch (StowageApiException e) when (e.Status == 404)
        {
            // Not there.
        }
    }

    /// <summary>VmRSS (KB) from /proc/&lt;pid&gt;/status and the number of entries in /proc/&lt;pid&gt;/fd.</summary>
    private static (long RssKb, int Handles) Sample(int pid)
    {
        var rss = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = long.Parse(rss["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return (kb, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
    }

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
