using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stowage.Client;
using Stowage.Contracts;
using Stowage.Metering;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.DataPlane;

/// <summary>
/// Confirmable writes through the API (object-store-api.md, "Confirmable writes"), with the
/// server's clock under the test's control: pending values are invisible, confirm and reject
/// resolve them once, and the store's confirmation TTL discards them.
/// </summary>
public sealed class ConfirmableWriteTests : IAsyncLifetime
{
    private const string Partition = "p";
    private static readonly DateTimeOffset Start = new(2026, 11, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly StowageFactory _factory;
    private StowageClient _client = null!;
    private TenantIds _root = null!;

    public ConfirmableWriteTests() => _factory = new StowageFactory(_clock);

    private string Org => _root.OrgId;

    private string Env => _root.SandboxId;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateAdminClient();
        _root = await _factory.RootAsync();
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    private static ValueDto Text(string text) => new() { ValueType = ValueTypes.String, StringValue = text };

    [Fact]
    public async Task ConfirmableWrite_Is202Pending_InvisibleUntilConfirmed()
    {
        var store = await NewStoreAsync();
        var (previous, _) = await _client.PutStringAsync(Org, Env, store, Partition, "k", "old");

        var (status, etag, body) = await RawWriteAsync(store, "k", "?confirmable=true");
        var pending = System.Text.Json.JsonSerializer.Deserialize(body, StowageJsonContext.Default.ValueDto)!;
        var whilePending = await _client.GetValueAsync(Org, Env, store, Partition, "k");
        var fresh = await _client.WriteConfirmableAsync(Org, Env, store, Partition, "fresh", Text("new"));
        var freshMissing = await Assert.ThrowsAsync<StowageApiException>(() => _client.GetValueAsync(Org, Env, store, Partition, "fresh"));
        var keysWhilePending = await _client.ListKeysAsync(Org, Env, store, Partition).ToListAsync();
        await _client.ConfirmWriteAsync(Org, Env, store, Partition, "k", pending.ConfirmationId!);
        await fresh.ConfirmAsync();

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Null(etag);
        Assert.Matches("^[0-9a-f]{32}$", pending.ConfirmationId!);
        Assert.Equal(Start.AddSeconds(60), pending.ConfirmationExpiresAt);
        Assert.Equal(("old", previous.Version), (whilePending.StringValue, whilePending.Version));
        Assert.Equal((HttpStatusCode.NotFound, "KEY_NOT_FOUND"), (freshMissing.StatusCode, freshMissing.Code));
        Assert.Equal(["k"], keysWhilePending);
        var confirmed = await _client.GetValueAsync(Org, Env, store, Partition, "k");
        Assert.Equal(("x", pending.Version), (confirmed.StringValue, confirmed.Version));
        Assert.Equal("new", (await _client.GetValueAsync(Org, Env, store, Partition, "fresh")).StringValue);
    }

    [Fact]
    public async Task Confirm_Twice_SecondIs404ConfirmationNotFound()
    {
        var store = await NewStoreAsync();
        var pending = await _client.WriteConfirmableAsync(Org, Env, store, Partition, "k", Text("v"));

        await pending.ConfirmAsync();
        var again = await Assert.ThrowsAsync<StowageApiException>(() => pending.ConfirmAsync());
        var reject = await Assert.ThrowsAsync<StowageApiException>(() => pending.RejectAsync());

        Assert.Equal((HttpStatusCode.NotFound, "CONFIRMATION_NOT_FOUND"), (again.StatusCode, again.Code));
        Assert.Equal((HttpStatusCode.NotFound, "CONFIRMATION_NOT_FOUND"), (reject.StatusCode, reject.Code));
    }

    [Fact]
    public async Task Reject_DiscardsThePendingValue()
    {
        var store = await NewStoreAsync();
        var pending = await _client.WriteConfirmableAsync(Org, Env, store, Partition, "k", Text("v"));

        await pending.RejectAsync();
        var confirm = await Assert.ThrowsAsync<StowageApiException>(() => pending.ConfirmAsync());

        Assert.Equal("CONFIRMATION_NOT_FOUND", confirm.Code);
        Assert.False(await _client.ContainsKeyAsync(Org, Env, store, Partition, "k"));
    }

    [Fact]
    public async Task SecondPendingWrite_OnTheSameKey_Is409ConfirmationPending()
    {
        var store = await NewStoreAsync();
        await _client.WriteConfirmableAsync(Org, Env, store, Partition, "k", Text("a"));

        var second = await Assert.ThrowsAsync<StowageApiException>(() => _client.WriteConfirmableAsync(Org, Env, store, Partition, "k", Text("b")));
        var plain = await _client.PutStringAsync(Org, Env, store, Partition, "other", "fine");

        Assert.Equal((HttpStatusCode.Conflict, "CONFIRMATION_PENDING"), (second.StatusCode, second.Code));
        Assert.True(plain.Created);
    }

    [Fact]
    public async Task PendingWrite_NotConfirmedWithinTheStoreTtl_IsDiscarded()
    {
        var store = await NewStoreAsync(confirmationTtlSeconds: 30);
        var pending = await _client.WriteConfirmableAsync(Org, Env, store, Partition, "k", Text("a"));

        _clock.Advance(TimeSpan.FromSeconds(30));
        var confirm = await Assert.ThrowsAsync<StowageApiException>(() => pending.ConfirmAsync());
        var next = await _client.WriteConfirmableAsync(Org, Env, store, Partition, "k", Text("b"));
        _clock.Advance(TimeSpan.FromSeconds(29));
        await next.ConfirmAsync();

        Assert.Equal((HttpStatusCode.NotFound, "CONFIRMATION_NOT_FOUND"), (confirm.StatusCode, confirm.Code));
        Assert.Equal(Start.AddSeconds(60), next.ExpiresAt);
        Assert.Equal("b", (await _client.GetValueAsync(Org, Env, store, Partition, "k")).StringValue);
    }

    [Fact]
    public async Task ConfirmableWrite_WithIfMatch_IsCheckedOnWriteAndOnConfirm()
    {
        var store = await NewStoreAsync();
        var (v1, _) = await _client.PutStringAsync(Org, Env, store, Partition, "k", "one");
        var (status, _, _) = await RawWriteAsync(store, "k", "?confirmable=true", ("If-Match", "\"0000000000000001\""));
        var (_, _, body) = await RawWriteAsync(store, "k", "?confirmable=true", ("If-Match", "\"" + v1.Version + "\""));
        var pending = System.Text.Json.JsonSerializer.Deserialize(body, StowageJsonContext.Default.ValueDto)!;
        await _client.PutStringAsync(Org, Env, store, Partition, "k", "two");

        var confirm = await Assert.ThrowsAsync<StowageApiException>(() => _client.ConfirmWriteAsync(Org, Env, store, Partition, "k", pending.ConfirmationId!));

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal((HttpStatusCode.PreconditionFailed, "VERSION_MISMATCH"), (confirm.StatusCode, confirm.Code));
        Assert.Equal("two", (await _client.GetValueAsync(Org, Env, store, Partition, "k")).StringValue);
    }

    [Theory]
    [InlineData("?confirmable=yes", null, "INVALID_QUERY_PARAMETER")]
    [InlineData("?confirmable=true&confirmable=true", null, "INVALID_QUERY_PARAMETER")]
    [InlineData("/confirm", "{}", "INVALID_REQUEST")]
    [InlineData("/reject", "{\"confirmationId\":7}", "INVALID_REQUEST")]
    [InlineData("/confirm", "[", "MALFORMED_JSON")]
    public async Task BadConfirmableRequests_Are400(string suffix, string? body, string code)
    {
        var store = await NewStoreAsync();

        var (status, _, text) = await RawWriteAsync(store, "k", suffix, body: body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"\"code\":\"{code}\"", text, StringComparison.Ordinal);
        Assert.False(await _client.ContainsKeyAsync(Org, Env, store, Partition, "k"));
    }

    [Fact]
    public async Task UsageAndMetering_PendingConfirmedRejected_CountExactly()
    {
        // Unencrypted, so sizeBytes is key + value bytes exactly.
        var store = await NewStoreAsync(encrypted: false);
        var kept = await _client.WriteConfirmableAsync(Org, Env, store, Partition, "kept", Text("12345"));
        var dropped = await _client.WriteConfirmableAsync(Org, Env, store, Partition, "dropped", Text("1234567890"));
        var whilePending = await _client.GetStoreContentsAsync(Org, Env, store);
        await kept.ConfirmAsync();
        await dropped.RejectAsync();
        await Assert.ThrowsAsync<StowageApiException>(() => dropped.ConfirmAsync());
        var expiring = await _client.WriteConfirmableAsync(Org, Env, store, Partition, "expiring", Text("abc"));
        _clock.Advance(TimeSpan.FromSeconds(60));
        var after = await _client.GetStoreContentsAsync(Org, Env, store);
        await _factory.Services.GetRequiredService<UsageFlusher>().FlushOnceAsync(CancellationToken.None);
        var day = new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.Zero);
        var bucket = Assert.Single(await _client.GetStoreUsageAsync(Org, Env, "local", store, day, day.AddDays(1)));

        Assert.NotNull(expiring.ConfirmationId);
        Assert.Equal((0L, 0L, 0L), (whilePending.KeyCount, whilePending.PartitionCount, whilePending.SizeBytes));
        Assert.Equal((1L, 1L, (long)("kept".Length + 5)), (after.KeyCount, after.PartitionCount, after.SizeBytes));

        // put store, 3 confirmable writes, confirm, reject: 6 requests of one unit each (the
        // Stats reads are not data-plane usage); the failed confirm is rejected, not usage.
        Assert.Equal((6L, 6L, 1L), (bucket.ObjectStoreRequestCount, bucket.BillingUnits, bucket.RejectedRequestCount));
    }

    [Fact]
    public async Task PendingWrite_SurvivesARestart_UntilItsTtlEnds()
    {
        var clock = new FakeTimeProvider(Start);
        string store, confirmId, expireId;
        var first = new StowageFactory(clock) { KeepDataDirectory = true };
        using (first)
        {
            var client = first.CreateAdminClient();
            var root = await first.RootAsync();
            store = "restart-" + Guid.NewGuid().ToString("N")[..8];
            await client.PutStoreAsync(root.OrgId, root.SandboxId, store, new StoreSettingsRequest { DefaultConfirmationTtlSeconds = 60 });
            confirmId = (await client.WriteConfirmableAsync(root.OrgId, root.SandboxId, store, Partition, "confirmed", Text("c"))).ConfirmationId;
            expireId = (await client.WriteConfirmableAsync(root.OrgId, root.SandboxId, store, Partition, "expired", Text("e"))).ConfirmationId;
        }

        using var second = new StowageFactory(clock, first.DataDirectory);
        var again = second.CreateAdminClient();
        var ids = await second.RootAsync();
        var duplicate = await Assert.ThrowsAsync<StowageApiException>(() => again.WriteConfirmableAsync(ids.OrgId, ids.SandboxId, store, Partition, "confirmed", Text("x")));
        await again.ConfirmWriteAsync(ids.OrgId, ids.SandboxId, store, Partition, "confirmed", confirmId);
        clock.Advance(TimeSpan.FromSeconds(60));
        var expired = await Assert.ThrowsAsync<StowageApiException>(() => again.ConfirmWriteAsync(ids.OrgId, ids.SandboxId, store, Partition, "expired", expireId));

        Assert.Equal("CONFIRMATION_PENDING", duplicate.Code);
        Assert.Equal("c", (await again.GetValueAsync(ids.OrgId, ids.SandboxId, store, Partition, "confirmed")).StringValue);
        Assert.Equal("CONFIRMATION_NOT_FOUND", expired.Code);
    }

    private async Task<string> NewStoreAsync(long confirmationTtlSeconds = 60, bool encrypted = true)
    {
        var storeId = "confirm-" + Guid.NewGuid().ToString("N")[..12];
        await _client.PutStoreAsync(Org, Env, storeId, new StoreSettingsRequest { DefaultConfirmationTtlSeconds = confirmationTtlSeconds, Encrypted = encrypted });
        return storeId;
    }

    private async Task<(HttpStatusCode Status, string? ETag, string Body)> RawWriteAsync(
        string store, string key, string suffix, (string Name, string Value)? header = null, string? body = "{\"valueType\":\"STRING\",\"stringValue\":\"x\"}")
    {
        using var http = _factory.CreateClient();
        var method = suffix.StartsWith('/') ? HttpMethod.Post : HttpMethod.Put;
        using var request = new HttpRequestMessage(method, $"/api/v1/organizations/{Org}/environments/{Env}/stores/{store}/partitions/{Partition}/keys/{key}{suffix}");
        request.Headers.Authorization = new("Bearer", await _factory.LoginAsync());
        if (header is { } h)
        {
            request.Headers.TryAddWithoutValidation(h.Name, h.Value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Headers.ETag?.ToString(), await response.Content.ReadAsStringAsync());
    }
}
