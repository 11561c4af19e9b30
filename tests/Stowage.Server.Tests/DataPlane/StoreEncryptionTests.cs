using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Stowage.Contracts;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.DataPlane;

/// <summary>
/// A store's <c>encrypted</c> setting is fixed when it is created: turning it off (or on) later
/// would leave values stored the other way in a store that reports the new setting.
/// </summary>
public sealed class StoreEncryptionTests(DataPlaneFixture fixture) : IClassFixture<DataPlaneFixture>
{
    private string Org => fixture.Root.OrgId;

    private string Env => fixture.Root.SandboxId;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PutStore_EncryptedChanged_409AndStoreAndValuesUnchanged(bool encrypted)
    {
        var storeId = "enc-" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Client.PutStoreAsync(Org, Env, storeId, new StoreSettingsRequest { Encrypted = encrypted, DefaultTtlSeconds = 3600 });
        await fixture.Client.PutStringAsync(Org, Env, storeId, "p", "before", "written before");

        var body = $$"""{"encrypted":{{(!encrypted ? "true" : "false")}},"defaultTtlSeconds":60}""";
        using var response = await SendAsync(HttpMethod.Put, StorePath(storeId), body);
        await fixture.Client.PutStringAsync(Org, Env, storeId, "p", "after", "written after");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("STORE_ENCRYPTION_FIXED", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(problem.RootElement.GetProperty("detail").GetString(), problem.RootElement.GetProperty("message").GetString());
        var store = await fixture.Client.GetStoreAsync(Org, Env, storeId);
        Assert.Equal((encrypted, 3600L), (store.Encrypted, store.DefaultTtlSeconds));
        Assert.Equal("written before", (await fixture.Client.GetValueAsync(Org, Env, storeId, "p", "before")).StringValue);
        Assert.Equal([encrypted, encrypted], RawRows(storeId).Select(r => r.Encrypted));
        Assert.All(RawRows(storeId), r => Assert.Equal(!encrypted, r.Value.StartsWith("written ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PutStore_EncryptedSameOrAbsent_UpdatesOtherSettingsAndKeepsEncryption(bool encrypted)
    {
        var storeId = "enc-" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Client.PutStoreAsync(Org, Env, storeId, new StoreSettingsRequest { Encrypted = encrypted });

        var (same, _) = await fixture.Client.PutStoreAsync(Org, Env, storeId, new StoreSettingsRequest { Encrypted = encrypted, DefaultTtlSeconds = 120 });
        var (absent, created) = await fixture.Client.PutStoreAsync(Org, Env, storeId, new StoreSettingsRequest { DefaultTtlSeconds = 60 });

        Assert.Equal((encrypted, 120L), (same.Encrypted, same.DefaultTtlSeconds));
        Assert.False(created);
        Assert.Equal((encrypted, 60L), (absent.Encrypted, absent.DefaultTtlSeconds));
        Assert.Equal(encrypted, (await fixture.Client.GetStoreAsync(Org, Env, storeId)).Encrypted);
    }

    private string StorePath(string storeId) => $"/api/v1/organizations/{Org}/environments/{Env}/stores/{storeId}";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string json)
    {
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.Factory.LoginAsync());
        return await http.SendAsync(request);
    }

    /// <summary>The store's rows as the database file holds them, in key order.</summary>
    private List<(bool Encrypted, string Value)> RawRows(string storeId)
    {
        if (TestStorage.IsPostgres)
        {
            using var pg = new Npgsql.NpgsqlConnection(TestStorage.ConnectionStringFor(fixture.Factory.DataDirectory));
            pg.Open();
            using var query = new Npgsql.NpgsqlCommand("""
                SELECT e.value_encrypted, e.value FROM entries e JOIN partitions p ON p.id = e.partition_id JOIN stores s ON s.id = p.store_id
                WHERE s.name = $1 ORDER BY e.key
                """, pg);
            query.Parameters.Add(new Npgsql.NpgsqlParameter<byte[]> { TypedValue = Encoding.UTF8.GetBytes(storeId) });
            using var pgReader = query.ExecuteReader();
            var found = new List<(bool, string)>();
            while (pgReader.Read())
            {
                found.Add((pgReader.GetBoolean(0), Encoding.Latin1.GetString(pgReader.GetFieldValue<byte[]>(1))));
            }

            return found;
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.Factory.DataDirectory, "stowage.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT e.value_encrypted, e.value FROM entries e JOIN partitions p ON p.id = e.partition_id JOIN stores s ON s.id = p.store_id
            WHERE s.name = $store ORDER BY e.key;
            """;
        command.Parameters.AddWithValue("$store", Encoding.UTF8.GetBytes(storeId));
        using var reader = command.ExecuteReader();
        var rows = new List<(bool, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0) != 0, Encoding.Latin1.GetString((byte[])reader.GetValue(1))));
        }

        return rows;
    }
}
