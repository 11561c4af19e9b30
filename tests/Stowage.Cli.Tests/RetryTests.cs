using System.Collections.Concurrent;
using System.Text.Json;
using Stowage.Server.Tests.Process;

namespace Stowage.Cli.Tests;

/// <summary>
/// The CLI's retries (RetryHandler, below the SDK) against a fault-injecting proxy in front of
/// the real server: rate limits with <c>Retry-After</c>, reset connections, refusals. The CLI
/// signs in through the proxy, so every request of the command goes through it.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class RetryTests(CliServerFixture server)
{
    /// <summary>docs/cli.md: a 429 is retried 20 times at most, a network failure 5 times.</summary>
    private const int RateLimitAttempts = 1 + 20;
    private const int NetworkAttempts = 1 + 5;

    /// <summary>
    /// SocketsHttpHandler itself re-sends a request once per stale pooled connection (up to
    /// 3 times) when a reused connection closes before any answer; a dropped path is dropped
    /// this many times so that only the CLI's own retry can get it through.
    /// </summary>
    private const int DropsPerPath = 4;

    /// <summary>
    /// .NET timers run on a millisecond tick that may lag the proxy's high-resolution clock by
    /// a few milliseconds; this is that allowance, not a speed expectation.
    /// </summary>
    private static readonly TimeSpan TimerGranularity = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task Import_ThroughRateLimitsAndResetConnections_CompletesExactly()
    {
        await using var proxy = await FaultProxy.StartAsync(server.Url);
        using var cli = await SignedInThroughAsync(proxy);
        var file = cli.PathOf("faults.jsonl");
        const int Count = 160;
        await ExportFiles.WriteAsync(file, "cli-retry-faults", Count);

        // The first six writes are rate limited (Retry-After: 1); every 20th write after them
        // has its connection reset four times, before the server saw it or after it wrote it.
        var writes = 0;
        var drops = new ConcurrentDictionary<string, FaultAction>();
        proxy.RetryAfterSeconds = 1;
        proxy.Policy = request =>
        {
            if (!request.IsValueWrite)
            {
                return FaultAction.Forward;
            }

            if (request.Attempt == 1)
            {
                var n = Interlocked.Increment(ref writes);
                if (n <= 6)
                {
                    return FaultAction.TooManyRequests;
                }

                if (n % 20 == 0)
                {
                    drops[request.Path] = n % 40 == 0 ? FaultAction.DropAfterForwarding : FaultAction.DropBeforeForwarding;
                }
            }

            return drops.TryGetValue(request.Path, out var drop) && request.Attempt <= DropsPerPath ? drop : FaultAction.Forward;
        };

        var started = DateTimeOffset.UtcNow;
        var result = await cli.RunAsync("import", file, "--output", "json");
        var importing = DateTimeOffset.UtcNow - started;

        var summary = JsonDocument.Parse(result.AssertExit(0).StandardOutput).RootElement;
        Assert.Equal(Count, summary.GetProperty("written").GetInt64());
        using var direct = await server.SignedInCliAsync();
        var expected = ExportFiles.Read(await File.ReadAllTextAsync(file));
        ExportFiles.AssertSameKeys(expected, ExportFiles.Read((await direct.RunAsync("export", "cli-retry-faults")).AssertExit(0).StandardOutput), compareExpiry: true, retried: importing);

        var arrivals = proxy.Arrivals;
        var limited = arrivals.Where(a => a.Action == FaultAction.TooManyRequests).ToList();
        Assert.Equal(6, limited.Count);
        foreach (var refused in limited)
        {
            // The retry of the same write came no earlier than Retry-After after the 429.
            var retry = arrivals.First(a => a.Request.Path == refused.Request.Path && a.Request.Method == refused.Request.Method && a.Arrived > refused.Arrived);
            var waited = retry.Arrived - refused.Answered;
            Assert.True(waited >= TimeSpan.FromSeconds(1) - TimerGranularity, $"{refused.Request.Path} was retried {waited.TotalMilliseconds:F0} ms after its 429 (Retry-After: 1)");
            Assert.Equal(FaultAction.Forward, retry.Action);
        }

        Assert.Contains(FaultAction.DropBeforeForwarding, drops.Values);
        Assert.Contains(FaultAction.DropAfterForwarding, drops.Values);
        foreach (var (path, drop) in drops)
        {
            var attempts = arrivals.Where(a => a.Request.Path == path && a.Request.IsValueWrite).ToList();
            Assert.Equal(Enumerable.Repeat(drop, DropsPerPath).Append(FaultAction.Forward), attempts.Select(a => a.Action));
        }
    }

    [Fact]
    public async Task Import_AlwaysRateLimited_StopsAfterBoundedRetriesWithTheServersError()
    {
        await using var proxy = await FaultProxy.StartAsync(server.Url);
        using var cli = await SignedInThroughAsync(proxy);
        var file = cli.PathOf("limited.jsonl");
        await ExportFiles.WriteAsync(file, "cli-retry-limited", 1);
        proxy.RetryAfterSeconds = 0;
        proxy.Policy = request => request.IsValueWrite ? FaultAction.TooManyRequests : FaultAction.Forward;

        var result = await cli.RunAsync("import", file, "--concurrency", "1");

        result.AssertExit(1);
        Assert.Contains("error: injected: slow down (TOO_MANY_REQUESTS) [HTTP 429]", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--resume", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        var writes = proxy.Arrivals.Where(a => a.Request.IsValueWrite).ToList();
        Assert.Equal(RateLimitAttempts, writes.Count);
        Assert.Single(writes.Select(a => a.Request.Path).Distinct());
    }

    [Fact]
    public async Task Import_ConnectionAlwaysReset_StopsAfterBoundedRetries()
    {
        await using var proxy = await FaultProxy.StartAsync(server.Url);
        using var cli = await SignedInThroughAsync(proxy);
        var file = cli.PathOf("reset.jsonl");
        await ExportFiles.WriteAsync(file, "cli-retry-reset", 1);
        proxy.Policy = request => request.IsValueWrite ? FaultAction.DropBeforeForwarding : FaultAction.Forward;

        var result = await cli.RunAsync("import", file, "--concurrency", "1");

        result.AssertExit(1);
        Assert.Contains("error: could not reach the server", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);

        // Each of the CLI's attempts reaches the proxy at least once (the HTTP stack may re-send
        // on a stale pooled connection, at most four times in all).
        var writes = proxy.Arrivals.Count(a => a.Request.IsValueWrite);
        Assert.InRange(writes, NetworkAttempts, NetworkAttempts * 4);
    }

    [Fact]
    public async Task Import_RefusedWithA4xx_IsNotRetried()
    {
        await using var proxy = await FaultProxy.StartAsync(server.Url);
        using var cli = await SignedInThroughAsync(proxy);
        var file = cli.PathOf("refused.jsonl");
        await ExportFiles.WriteAsync(file, "cli-retry-refused", 10);
        proxy.Policy = request => request.IsValueWrite && request.Path.EndsWith("/keys/key-000003", StringComparison.Ordinal)
            ? FaultAction.Refuse
            : FaultAction.Forward;

        var result = await cli.RunAsync("import", file, "--concurrency", "1");

        result.AssertExit(1);
        Assert.Contains("error: Line 5 (partition 'part-0', key 'key-000003'): injected refusal (INVALID_VALUE)", result.StandardError, StringComparison.Ordinal);
        var refused = proxy.Arrivals.Where(a => a.Action == FaultAction.Refuse).ToList();
        Assert.Single(refused);
        Assert.Single(proxy.ArrivalsOf("PUT", refused[0].Request.Path));
    }

    [Fact]
    public async Task Export_AnswerCutMidway_FailsSayingSoAndLeavesNoFile()
    {
        await using var proxy = await FaultProxy.StartAsync(server.Url);
        using var cli = await SignedInThroughAsync(proxy);
        await ImportedStoreAsync(cli, "cli-retry-cut");

        // The server's export stream breaks off after 10 000 bytes, inside a line.
        proxy.CutAfterBytes = 10_000;
        proxy.Policy = request => request.IsExport ? FaultAction.CutAnswer : FaultAction.Forward;
        var output = cli.PathOf("cut-export.jsonl");
        var result = await cli.RunAsync("export", "cli-retry-cut", "-o", output);

        result.AssertExit(1);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(result.StandardError, @"error: The server's export stopped before its end, after \d+ keys: "), result.StandardError);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".partial"));
        Assert.Single(proxy.Arrivals, a => a.Request.IsExport);
    }

    [Fact]
    public async Task Export_FromAServerWithoutTheExportStream_ReadsPagesToTheSameFile()
    {
        await using var proxy = await FaultProxy.StartAsync(server.Url);
        using var cli = await SignedInThroughAsync(proxy);
        var file = await ImportedStoreAsync(cli, "cli-retry-older");
        var streamed = cli.PathOf("streamed.jsonl");
        (await cli.RunAsync("export", "cli-retry-older", "-o", streamed)).AssertExit(0);

        proxy.Policy = request => request.IsExport ? FaultAction.NoSuchPath : FaultAction.Forward;
        var paged = cli.PathOf("paged.jsonl");
        (await cli.RunAsync("export", "cli-retry-older", "-o", paged)).AssertExit(0);

        Assert.Contains(proxy.Arrivals, a => a.Request.IsValuesPage);
        ExportFiles.AssertSameKeys(
            ExportFiles.Read(await File.ReadAllTextAsync(streamed)), ExportFiles.Read(await File.ReadAllTextAsync(paged)), compareExpiry: true);
        ExportFiles.AssertSameKeys(ExportFiles.Read(await File.ReadAllTextAsync(file)), ExportFiles.Read(await File.ReadAllTextAsync(paged)), compareExpiry: true);
    }

    [Fact]
    public async Task Export_FromAServerWithoutTheExportStream_APageRefusedFailsWithTheErrorAndLeavesNoFile()
    {
        await using var proxy = await FaultProxy.StartAsync(server.Url);
        using var cli = await SignedInThroughAsync(proxy);
        await ImportedStoreAsync(cli, "cli-retry-pages");

        // Partitions are read side by side: the failure of one stops the whole export.
        proxy.Policy = request => request.IsExport
            ? FaultAction.NoSuchPath
            : request.IsValuesPage && request.Path.Contains("/partitions/part-4/", StringComparison.Ordinal)
                ? FaultAction.Refuse
                : FaultAction.Forward;
        var output = cli.PathOf("refused-export.jsonl");
        var result = await cli.RunAsync("export", "cli-retry-pages", "-o", output);

        result.AssertExit(1);
        Assert.Contains("error: injected refusal (INVALID_VALUE) [HTTP 400]", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".partial"));
        Assert.Single(proxy.Arrivals, a => a.Action == FaultAction.Refuse);
    }

    [Fact]
    public async Task Copy_SourceExportCutMidway_FailsSayingSo()
    {
        await using var proxy = await FaultProxy.StartAsync(server.Url);
        using var cli = await SignedInThroughAsync(proxy);
        await ImportedStoreAsync(cli, "cli-retry-copy-cut");
        proxy.CutAfterBytes = 10_000;
        proxy.Policy = request => request.IsExport ? FaultAction.CutAnswer : FaultAction.Forward;

        var result = await cli.RunAsync("copy", "cli-retry-copy-cut", "--to-store", "cli-retry-copy-cut-to");

        result.AssertExit(1);
        Assert.True(
            System.Text.RegularExpressions.Regex.IsMatch(result.StandardError, @"error: The server's export stopped before its end, after \d+ keys: "),
            result.StandardError);
    }

    [Fact]
    public async Task Copy_FromAServerWithoutTheExportStream_ReadsPagesAndCopiesEveryKey()
    {
        await using var proxy = await FaultProxy.StartAsync(server.Url);
        using var cli = await SignedInThroughAsync(proxy);
        var file = await ImportedStoreAsync(cli, "cli-retry-copy-older");
        proxy.Policy = request => request.IsExport ? FaultAction.NoSuchPath : FaultAction.Forward;

        (await cli.RunAsync("copy", "cli-retry-copy-older", "--to-store", "cli-retry-copy-older-to")).AssertExit(0);

        Assert.Contains(proxy.Arrivals, a => a.Request.IsValuesPage);
        proxy.Policy = _ => FaultAction.Forward;
        var copied = (await cli.RunAsync("export", "cli-retry-copy-older-to")).AssertExit(0).StandardOutput;
        ExportFiles.AssertSameKeys(ExportFiles.Read(await File.ReadAllTextAsync(file)), ExportFiles.Read(copied), compareExpiry: true);
    }

    /// <summary>A store of 300 keys in six partitions, imported through the proxy untouched; returns the file it came from.</summary>
    private static async Task<string> ImportedStoreAsync(Cli cli, string store)
    {
        var file = cli.PathOf(store + ".jsonl");
        await ExportFiles.WriteAsync(file, store, 300, partitions: 6);
        (await cli.RunAsync("import", file)).AssertExit(0);
        return file;
    }

    private static async Task<Cli> SignedInThroughAsync(FaultProxy proxy)
    {
        var cli = new Cli(proxy.Url);
        var login = await cli.RunAsync(["login", "--username", ProcessTestSupport.AdminUsername, "--env", "Production"], stdin: ProcessTestSupport.AdminPassword + "\n");
        login.AssertExit(0);
        return cli;
    }
}
