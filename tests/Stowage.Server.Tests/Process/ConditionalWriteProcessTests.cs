using System.Globalization;
using Stowage.Client;
using Stowage.Contracts;
using Xunit.Abstractions;

namespace Stowage.Server.Tests.Process;

/// <summary>Conditional and confirmable writes against a real server process (fsync durability, real clock).</summary>
[Collection(ServerProcessCollection.Name)]
public sealed class ConditionalWriteProcessTests(ITestOutputHelper output) : IDisposable
{
    private const string Partition = "p";
    private const int Writers = 50;
    private const int IncrementsPerWriter = 3;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task IfMatchIncrements_FiftyConcurrentWritersWithRetries_NoLostUpdate()
    {
        using var server = await ServerProcess.StartAsync(new ServerStartInfo(_directory.DataDirectory));
        var session = await ProcessTestSupport.SignInAsync(server.BaseAddress);
        using (var setup = session.CreateClient())
        {
            await setup.PutStoreAsync(session.OrganizationId, session.EnvironmentId, "counters");
            Assert.True(await setup.TryCreateAsync(session.OrganizationId, session.EnvironmentId, "counters", Partition, "n", Number(0)));
        }

        var conflicts = 0;
        var successes = 0;
        var workers = Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            using var client = session.CreateClient();
            var random = new Random(i);
            for (var done = 0; done < IncrementsPerWriter;)
            {
                var current = await client.GetValueAsync(session.OrganizationId, session.EnvironmentId, "counters", Partition, "n");
                var next = long.Parse(current.NumberValue!, CultureInfo.InvariantCulture) + 1;
                if (await client.CompareAndSetAsync(session.OrganizationId, session.EnvironmentId, "counters", Partition, "n", Number(next), current.Version!))
                {
                    done++;
                    Interlocked.Increment(ref successes);
                }
                else
                {
                    Interlocked.Increment(ref conflicts);
                    await Task.Delay(random.Next(0, 4));
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        using var reader = session.CreateClient();
        var final = await reader.GetValueAsync(session.OrganizationId, session.EnvironmentId, "counters", Partition, "n");
        output.WriteLine($"{successes} increments, {conflicts} refused with 412 and retried");
        Assert.Equal(Writers * IncrementsPerWriter, successes);
        Assert.Equal((Writers * IncrementsPerWriter).ToString(CultureInfo.InvariantCulture), final.NumberValue);
    }

    [Fact]
    public async Task ConfirmableWrites_ShortTtlEndToEnd_AndPendingSurvivesRestart()
    {
        var info = new ServerStartInfo(_directory.DataDirectory);
        ConfirmableWrite durable;
        using (var server = await ServerProcess.StartAsync(info))
        {
            var session = await ProcessTestSupport.SignInAsync(server.BaseAddress);
            using var client = session.CreateClient();
            await client.PutStoreAsync(session.OrganizationId, session.EnvironmentId, "long", new StoreSettingsRequest { DefaultConfirmationTtlSeconds = 600 });
            await client.PutStoreAsync(session.OrganizationId, session.EnvironmentId, "short", new StoreSettingsRequest { DefaultConfirmationTtlSeconds = 1 });
            durable = await client.WriteConfirmableAsync(session.OrganizationId, session.EnvironmentId, "long", Partition, "k", Text("kept"));

            var brief = await client.WriteConfirmableAsync(session.OrganizationId, session.EnvironmentId, "short", Partition, "k", Text("lost"));
            Assert.False(await client.ContainsKeyAsync(session.OrganizationId, session.EnvironmentId, "short", Partition, "k"));
            var wait = brief.ExpiresAt!.Value - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            var expired = await Assert.ThrowsAsync<StowageApiException>(() => brief.ConfirmAsync());
            Assert.Equal("CONFIRMATION_NOT_FOUND", expired.Code);
            Assert.False(await client.ContainsKeyAsync(session.OrganizationId, session.EnvironmentId, "short", Partition, "k"));
            await client.WriteConfirmableAsync(session.OrganizationId, session.EnvironmentId, "short", Partition, "k", Text("again"));

            await server.StopAsync();
        }

        using var restarted = await ServerProcess.StartAsync(info);
        var after = await ProcessTestSupport.SignInAsync(restarted.BaseAddress);
        using var again = after.CreateClient();
        Assert.False(await again.ContainsKeyAsync(after.OrganizationId, after.EnvironmentId, "long", Partition, "k"));
        var duplicate = await Assert.ThrowsAsync<StowageApiException>(() =>
            again.WriteConfirmableAsync(after.OrganizationId, after.EnvironmentId, "long", Partition, "k", Text("other")));
        Assert.Equal("CONFIRMATION_PENDING", duplicate.Code);
        await again.ConfirmWriteAsync(after.OrganizationId, after.EnvironmentId, "long", Partition, "k", durable.ConfirmationId);
        var value = await again.GetValueAsync(after.OrganizationId, after.EnvironmentId, "long", Partition, "k");
        Assert.Equal(("kept", durable.Value.Version), (value.StringValue, value.Version));
    }

    private static ValueDto Number(long value) => new() { ValueType = ValueTypes.Number, NumberValue = value.ToString(CultureInfo.InvariantCulture) };

    private static ValueDto Text(string text) => new() { ValueType = ValueTypes.String, StringValue = text };
}
