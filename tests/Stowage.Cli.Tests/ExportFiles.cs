using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Stowage.Cli.Tests;

/// <summary>One key as an export line has it.</summary>
public sealed record ExportedKey(string Partition, string Key, string ValueType, string Value, DateTimeOffset? ExpiresAt);

/// <summary>Builds export files and reads them back, for comparing stores.</summary>
public static class ExportFiles
{
    public static string Header(string store, long ttlSeconds = 86400, bool isFixed = true) =>
        $"{{\"stowageExport\":1,\"store\":{{\"storeId\":\"{store}\",\"encrypted\":true,\"permanentOsFlag\":false,\"persistent\":true,"
        + $"\"defaultTtlSeconds\":{ttlSeconds},\"defaultConfirmationTtlSeconds\":600,\"isFixedTtl\":{(isFixed ? "true" : "false")}}},"
        + "\"exportedAt\":\"2026-01-01T00:00:00Z\"}";

    /// <summary>A file of <paramref name="count"/> keys over three partitions, cycling through the three value types and a few expiries.</summary>
    public static async Task WriteAsync(string path, string store, int count, int partitions = 3)
    {
        var builder = new StringBuilder(Header(store)).Append('\n');
        for (var i = 0; i < count; i++)
        {
            var partition = "part-" + (i % partitions).ToString(CultureInfo.InvariantCulture);
            var key = $"key-{i:D6}";
            var value = (i % 3) switch
            {
                0 => $"\"valueType\":\"STRING\",\"stringValue\":{JsonSerializer.Serialize("text é \n " + i)}",
                1 => $"\"valueType\":\"NUMBER\",\"numberValue\":{i}12345678901234567890.000000000000000000001",
                _ => $"\"valueType\":\"BINARY\",\"binaryValue\":\"{Convert.ToBase64String([(byte)i, 0, 255, (byte)(i >> 8)])}\"",
            };
            var expiry = i % 4 == 0 ? $",\"expiresAt\":\"{DateTimeOffset.UtcNow.AddHours(2 + (i % 5)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}\"" : string.Empty;
            builder.Append($"{{\"partition\":\"{partition}\",\"key\":\"{key}\",{value}{expiry}}}\n");
        }

        await File.WriteAllTextAsync(path, builder.ToString());
    }

    /// <summary>The keys of an export, by partition and key.</summary>
    public static Dictionary<(string, string), ExportedKey> Read(string content)
    {
        var lines = content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1, JsonDocument.Parse(lines[0]).RootElement.GetProperty("stowageExport").GetInt32());
        var keys = new Dictionary<(string, string), ExportedKey>();
        foreach (var line in lines.Skip(1))
        {
            var record = JsonDocument.Parse(line).RootElement;
            var type = record.GetProperty("valueType").GetString()!;
            var value = type switch
            {
                "STRING" => record.GetProperty("stringValue").GetString()!,
                "NUMBER" => record.GetProperty("numberValue").GetRawText(),
                _ => record.GetProperty("binaryValue").GetString()!,
            };
            DateTimeOffset? expiresAt = record.TryGetProperty("expiresAt", out var e) ? e.GetDateTimeOffset() : null;
            var key = new ExportedKey(record.GetProperty("partition").GetString()!, record.GetProperty("key").GetString()!, type, value, expiresAt);
            keys.Add((key.Partition, key.Key), key);
        }

        return keys;
    }

    /// <summary>Same keys, types and exact values; expiries equal to within a few seconds (a TTL is whole seconds).</summary>
    /// <remarks>A retried write keeps the TTL of its first attempt (docs/cli.md): pass as <c>retried</c> how long writes may have waited in retries, which its key may live longer.</remarks>
    public static void AssertSameKeys(IReadOnlyDictionary<(string, string), ExportedKey> expected, IReadOnlyDictionary<(string, string), ExportedKey> actual, bool compareExpiry, TimeSpan retried = default)
    {
        Assert.Equal(expected.Keys.OrderBy(k => k).ToList(), actual.Keys.OrderBy(k => k).ToList());
        foreach (var (id, want) in expected)
        {
            var got = actual[id];
            Assert.Equal((want.ValueType, want.Value), (got.ValueType, got.Value));
            if (compareExpiry && want.ExpiresAt is { } wanted)
            {
                Assert.NotNull(got.ExpiresAt);
                Assert.InRange(got.ExpiresAt!.Value, wanted.AddSeconds(-1), wanted.AddSeconds(5) + retried);
            }
        }
    }
}
