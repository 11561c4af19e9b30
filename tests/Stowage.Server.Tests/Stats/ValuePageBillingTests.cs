using Stowage.Client;

namespace Stowage.Server.Tests.Stats;

/// <summary>A values page that ends early at its byte bound is billed on what it returned; an export on what it sent.</summary>
public sealed class ValuePageBillingTests(StatsFixture fixture) : IClassFixture<StatsFixture>
{
    private const int ValueBytes = 3 * 1024 * 1024;

    [Fact]
    public async Task Stats_ValuesPageEndingAtItsByteBound_BilledOnTheOneValueReturned()
    {
        var (group, client) = await fixture.NewGroupAsync();
        await client.PutStoreAsync(group.OrgId, group.SandboxId, "big");
        for (var i = 0; i < 3; i++)
        {
            await client.PutBinaryAsync(group.OrgId, group.SandboxId, "big", "p", "k" + i, new byte[ValueBytes]);
        }

        var before = await UnitsAsync(client, group, requests: 4);
        var page = await client.GetValuesPageAsync(group.OrgId, group.SandboxId, "big", "p", pageSize: 1000);
        var after = await UnitsAsync(client, group, requests: 5);

        // Two 3 MiB values pass the 4 MiB bound: one per page. A unit is 100 KB or part of it.
        Assert.Equal(["k0"], page.Values.Select(v => v.KeyId));
        Assert.NotNull(page.NextPageToken);
        Assert.Equal(3 * 31, before - 1);
        Assert.Equal(31, after - before);
    }

    [Fact]
    public async Task Stats_Export_OneRequestBilledOnTheValuesItSent()
    {
        var (group, client) = await fixture.NewGroupAsync();
        await client.PutStoreAsync(group.OrgId, group.SandboxId, "big");
        for (var i = 0; i < 3; i++)
        {
            await client.PutBinaryAsync(group.OrgId, group.SandboxId, "big", "p" + i, "k", new byte[ValueBytes]);
        }

        var before = await UnitsAsync(client, group, requests: 4);
        await using (var export = await client.OpenExportAsync(group.OrgId, group.SandboxId, "big"))
        {
            await export.CopyToAsync(Stream.Null);
        }

        var after = await UnitsAsync(client, group, requests: 5);

        // One request, and the three values it carried: 31 units of 100 KB each.
        Assert.Equal(3 * 31, after - before);
    }

    private static async Task<long> UnitsAsync(StowageClient client, Infrastructure.TenantIds group, long requests)
    {
        var buckets = await StatsFixture.PollAsync(
            () => client.GetStoreUsageAsync(group.OrgId, group.SandboxId, StatsFixture.Region, "big", StatsFixture.Today, StatsFixture.Today.AddDays(1)),
            b => b.Sum(x => x.ObjectStoreRequestCount) >= requests,
            TimeSpan.FromSeconds(6));
        Assert.Equal(requests, buckets.Sum(x => x.ObjectStoreRequestCount));
        return buckets.Sum(x => x.BillingUnits);
    }
}
