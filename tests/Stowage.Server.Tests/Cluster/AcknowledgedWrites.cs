using System.Collections.Concurrent;
using System.Diagnostics;
using Stowage.Client;
using Stowage.Server.Tests.Process;

namespace Stowage.Server.Tests.Cluster;

/// <summary>
/// Writers that PUT distinct keys through haproxy while a test disrupts the cluster, recording
/// every acknowledged (2xx) write. A request that got no answer is not acknowledged (it may
/// or may not exist); an error answer is recorded by status so the test can check that only
/// the failures the spec allows occurred.
/// </summary>
internal sealed class AcknowledgedWrites(AdminSession session, string storeId)
{
    public const string Partition = "p";

    // A hang guard only: a healthy run never comes near it.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    private readonly ConcurrentDictionary<string, string> _acknowledged = new();
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private int _unanswered;

    public int Acknowledged => _acknowledged.Count;

    public int Unanswered => Volatile.Read(ref _unanswered);

    /// <summary>Error answers by status and code, e.g. "503 STORAGE_UNAVAILABLE".</summary>
    public IReadOnlyDictionary<string, int> Failures => _failures;

    public async Task PrepareAsync()
    {
        using var client = session.CreateClient();
        await client.PutStoreAsync(session.OrganizationId, session.EnvironmentId, storeId);
    }

    /// <summary>Starts <paramref name="writers"/> writers; they stop when <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(int writers, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w, stop), CancellationToken.None)));

    /// <summary>Waits until <paramref name="count"/> more writes than now were acknowledged; false if the guard passed first.</summary>
    public async Task<bool> WaitForMoreAsync(int count)
    {
        var target = Acknowledged + count;
        var guard = Stopwatch.StartNew();
        while (Acknowledged < target)
        {
            if (guard.Elapsed > Guard)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>
    /// Every acknowledged key with its value, as read through haproxy; empty when all are there.
    /// Reading is retried while the service answers 503 (just after a failover, a node may not
    /// have found the new primary yet): an answer that does not come is not a lost write.
    /// </summary>
    public async Task<IReadOnlyList<string>> MissingAsync()
    {
        using var client = session.CreateClient();
        var stored = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                stored.Clear();
                await foreach (var value in client.ListValuesAsync(session.OrganizationId, session.EnvironmentId, storeId, Partition, pageSize: 100))
                {
                    stored[value.KeyId!] = value.StringValue;
                }

                break;
            }
            catch (StowageApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && attempt < 60)
            {
                await Task.Delay(500);
            }
        }

        return [.. _acknowledged
            .Where(pair => !stored.TryGetValue(pair.Key, out var value) || value != pair.Value)
            .Select(pair => pair.Key)
            .Order(StringComparer.Ordinal)];
    }

    private async Task WriteAsync(int writer, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = session.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var client = new StowageClient(http, new StaticTokenSource(session.Token));
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var key = $"w{writer}-{n:D5}";
            var value = $"{key}:{Guid.NewGuid():N}";
            try
            {
                await client.PutStringAsync(session.OrganizationId, session.EnvironmentId, storeId, Partition, key, value, cancellationToken: CancellationToken.None);
                _acknowledged[key] = value;
            }
            catch (StowageApiException e)
            {
                _failures.AddOrUpdate($"{e.Status} {e.Code}", 1, (_, c) => c + 1);
                await Task.Delay(20, CancellationToken.None);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _unanswered);
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }
}
