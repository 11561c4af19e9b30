namespace Stowage.Bench.Harness;

/// <summary>
/// Scrapes a server's /metrics once a second, as a Prometheus with a 1 s interval would, from
/// start to dispose; reads each answer to the end so the server does the whole work. The
/// server's address is asked for at every scrape: the metrics pair's server with metrics on
/// changes places every round (<see cref="MetricsPair"/>).
/// </summary>
internal sealed class MetricsScraper : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Task _loop;
    private long _scrapes;
    private long _failures;

    private MetricsScraper(Func<Uri> server)
    {
        _loop = Task.Run(() => RunAsync(server));
    }

    public long Scrapes => Interlocked.Read(ref _scrapes);

    public long Failures => Interlocked.Read(ref _failures);

    public static MetricsScraper Start(Func<Uri> server) => new(server);

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(Func<Uri> server)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(server(), "metrics"), _stop.Token);
                _ = await response.Content.ReadAsByteArrayAsync(_stop.Token);
                Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _scrapes : ref _failures);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _failures);
            }
        }
    }
}
