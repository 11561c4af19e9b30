using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Stowage.Contracts;

namespace Stowage.Cli.Bulk;

/// <summary>
/// The first line of an export (cli.md): <c>{"stowageExport":1,"store":{…},"exportedAt":…}</c>,
/// and <c>partition</c> when only one partition was exported.
/// </summary>
public sealed class ExportHeader
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("stowageExport")]
    public int StowageExport { get; init; }

    [JsonPropertyName("store")]
    public StoreDto? Store { get; init; }

    [JsonPropertyName("exportedAt")]
    public DateTimeOffset ExportedAt { get; init; }

    [JsonPropertyName("partition")]
    public string? Partition { get; init; }
}

/// <summary>
/// One key of an export: <c>{"partition","key","valueType","stringValue"|"numberValue"|"binaryValue","expiresAt"?}</c>.
/// A number keeps its exact text; binary stays the server's base64.
/// </summary>
public sealed class ExportRecord
{
    [JsonPropertyName("partition")]
    public string? Partition { get; init; }

    [JsonPropertyName("key")]
    public string? Key { get; init; }

    [JsonPropertyName("valueType")]
    public string? ValueType { get; init; }

    [JsonPropertyName("stringValue")]
    public string? StringValue { get; init; }

    [JsonPropertyName("numberValue")]
    [JsonConverter(typeof(RawJsonNumberConverter))]
    public string? NumberValue { get; init; }

    [JsonPropertyName("binaryValue")]
    public string? BinaryValue { get; init; }

    [JsonPropertyName("expiresAt")]
    public DateTimeOffset? ExpiresAt { get; init; }

    public static ExportRecord From(string partition, ValueDto value) => new()
    {
        Partition = partition,
        Key = value.KeyId,
        ValueType = value.ValueType,
        StringValue = value.StringValue,
        NumberValue = value.NumberValue,
        BinaryValue = value.BinaryValue,
        ExpiresAt = value.ExpiresAt,
    };

    /// <summary>Why the record cannot be imported, or null when it is complete.</summary>
    public string? Problem() => (Partition, Key, ValueType) switch
    {
        (null or "", _, _) => "no partition",
        (_, null or "", _) => "no key",
        (_, _, ValueTypes.String) when StringValue is null => "a STRING without stringValue",
        (_, _, ValueTypes.Number) when NumberValue is null => "a NUMBER without numberValue",
        (_, _, ValueTypes.Binary) when BinaryValue is null => "a BINARY without binaryValue",
        (_, _, ValueTypes.String or ValueTypes.Number or ValueTypes.Binary) => null,
        _ => $"an unknown valueType '{ValueType}'",
    };

    /// <summary>Whether a stored value equals this record's value (type and exact content; expiry aside).</summary>
    public bool SameValueAs(ValueDto value) =>
        value.ValueType == ValueType
        && value.StringValue == StringValue
        && value.NumberValue == NumberValue
        && value.BinaryValue == BinaryValue;
}

/// <summary>Writes export lines with one reusable writer: exact values, UTF-8 kept readable, <c>\n</c> line ends.</summary>
public sealed class ExportWriter(Stream stream) : IAsyncDisposable
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Keys and strings stay readable (é, not \u00e9); the result is still strict JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Utf8JsonWriter _writer = new(stream, Options);

    public long Lines { get; private set; }

    public void WriteHeader(ExportHeader header)
    {
        JsonSerializer.Serialize(_writer, header, CliJsonContext.Default.ExportHeader);
        EndLine();
    }

    public async ValueTask WriteAsync(ExportRecord record, CancellationToken cancellationToken)
    {
        var writer = _writer;
        writer.WriteStartObject();
        writer.WriteString("partition", record.Partition);
        writer.WriteString("key", record.Key);
        writer.WriteString("valueType", record.ValueType);
        if (record.StringValue is not null)
        {
            writer.WriteString("stringValue", record.StringValue);
        }

        if (record.NumberValue is not null)
        {
            writer.WritePropertyName("numberValue");
            writer.WriteRawValue(record.NumberValue);
        }

        if (record.BinaryValue is not null)
        {
            writer.WriteString("binaryValue", record.BinaryValue);
        }

        if (record.ExpiresAt is { } expiresAt)
        {
            writer.WriteString("expiresAt", expiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        }

        writer.WriteEndObject();
        EndLine();
        if (Lines % 256 == 0)
        {
            await stream.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Flushes; the stream stays open (it may be standard output).</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.FlushAsync();
        await _writer.DisposeAsync();
        await stream.FlushAsync();
    }

    private void EndLine()
    {
        _writer.Flush();
        stream.WriteByte((byte)'\n');
        _writer.Reset();
        Lines++;
    }
}
