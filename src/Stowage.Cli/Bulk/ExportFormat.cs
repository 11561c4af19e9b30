using System.Buffers;
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

/// <summary>
/// Writes export lines with one reusable writer: exact values, UTF-8 kept readable, <c>\n</c>
/// line ends. Lines gather in one reused buffer that goes to the stream in chunks of about
/// 64 KiB (never zeroed in between: a writer straight on the stream cleared its buffer after
/// every line, a tenth of an export's CPU).
/// </summary>
public sealed class ExportWriter(Stream stream) : IAsyncDisposable
{
    private const int ChunkBytes = 64 * 1024;

    private static readonly JsonWriterOptions Options = new()
    {
        // Keys and strings stay readable (é, not \u00e9); the result is still strict JSON.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(2 * ChunkBytes);
    private Utf8JsonWriter? _json;

    public long Lines { get; private set; }

    private Utf8JsonWriter Json => _json ??= new Utf8JsonWriter(_buffer, Options);

    public void WriteHeader(ExportHeader header)
    {
        JsonSerializer.Serialize(Json, header, CliJsonContext.Default.ExportHeader);
        EndLine();
    }

    public async ValueTask WriteAsync(ExportRecord record, CancellationToken cancellationToken)
    {
        var writer = Json;
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
        if (_buffer.WrittenCount >= ChunkBytes)
        {
            await WriteOutAsync(cancellationToken);
        }
    }

    /// <summary>Flushes; the stream stays open (it may be standard output).</summary>
    public async ValueTask DisposeAsync()
    {
        await WriteOutAsync(CancellationToken.None);
        if (_json is not null)
        {
            await _json.DisposeAsync();
        }
    }

    private void EndLine()
    {
        var writer = Json;
        writer.Flush();
        "\n"u8.CopyTo(_buffer.GetSpan(1));
        _buffer.Advance(1);
        writer.Reset();
        Lines++;
    }

    /// <summary>Hands the gathered lines to the stream and flushes it, so a reader of a pipe gets them now.</summary>
    private async ValueTask WriteOutAsync(CancellationToken cancellationToken)
    {
        if (_buffer.WrittenCount > 0)
        {
            await stream.WriteAsync(_buffer.WrittenMemory, cancellationToken);
            _buffer.ResetWrittenCount();
        }

        await stream.FlushAsync(cancellationToken);
    }
}
