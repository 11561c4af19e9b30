using System.Diagnostics;
using System.Net;
using Stowage.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Stowage.Server.Tests.RateLimits;

/// <summary>
/// Two servers on one data directory, as two nodes: a limit set on one is in force on the
/// other through the access change log alone (each node loads settings at start only otherwise).
/// </summary>
public sealed class RateLimitMultiNodeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task LimitSetOnOneNode_InForceOnTheOther()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "stowage-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using var nodeA = new NodeFactory(dataDirectory);
            var root = await nodeA.RootAsync();
            using var nodeB = new NodeFactory(dataDirectory);
            using var a = await RateLimitHttp.AdminAsync(nodeA);
            using var b = await RateLimitHttp.AdminAsync(nodeB);
            Assert.Equal(HttpStatusCode.Created, (await a.PutStoreAsync(root.OrgId, root.ProductionId, "spread")).Status);
            var store = RateLimitHttp.StorePath(root.OrgId, root.ProductionId, "spread");
            var unlimited = await b.GetAsync(store);

            Assert.Equal(HttpStatusCode.OK, (await a.PutLimitAsync(store + "/limits", """{"requestsPerSecond":1,"requestsPerMinute":250}""")).Status);
            var seen = await UntilAsync(() => b.GetAsync(store), answer => answer.Limit == "250");

            Assert.Equal((HttpStatusCode.OK, null), (unlimited.Status, unlimited.Limit));
            Assert.Equal((HttpStatusCode.OK, "250"), (seen.Status, seen.Limit));

            Assert.Equal(HttpStatusCode.OK, (await b.PutLimitAsync($"/api/v1/organizations/{root.OrgId}/environments/{root.ProductionId}/limits", """{"limit":"premium"}""")).Status);
            Assert.Equal(HttpStatusCode.OK, (await b.PutLimitAsync(store + "/limits", """{"limit":"inherit"}""")).Status);
            var inherited = await UntilAsync(() => a.GetAsync(store), answer => answer.Limit == "6000");
            Assert.Equal("6000", inherited.Limit);
        }
        finally
        {
            // The nodes share the directory (and, on PostgreSQL, its database): neither removes
            // it while the other still runs; it goes once both have stopped.
            await TestStorage.ForgetAsync(dataDirectory);
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task<LimitedAnswer> UntilAsync(Func<Task<LimitedAnswer>> probe, Func<LimitedAnswer, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await probe();
            if (done(answer) || clock.Elapsed > Bound)
            {
                output.WriteLine($"the other node answered {answer.Status}, limit {answer.Limit ?? "none"}, after {clock.ElapsedMilliseconds} ms");
                return answer;
            }

            await Task.Delay(50);
        }
    }
}
