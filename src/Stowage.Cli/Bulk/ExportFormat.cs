using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Stowage.Client;
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
/// Writes export lines: the header through one reusable JSON writer (UTF-8 kept readable),
/// then the key lines of the server's export stream as they come (<see cref="CopyLinesAsync"/>),
/// or, from a server without that stream, each key's line from a values page's JSON tokens
/// (<see cref="WriteJsonAsync"/>); <c>\n</c> line ends. Built lines gather in one reused buffer
/// that goes to the stream in chunks of about 64 KiB (never zeroed in between: a writer
/// straight on the stream cleared its buffer after every line, a tenth of an export's CPU).
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
    private string? _partition;
    private JsonEncodedText _encodedPartition;

    public long Lines { get; private set; }

    private Utf8JsonWriter Json => _json ??= new Utf8JsonWriter(_buffer, Options);

    public void WriteHeader(ExportHeader header)
    {
        JsonSerializer.Serialize(Json, header, CliJsonContext.Default.ExportHeader);
        EndLine();
    }

    /// <summary>
    /// Writes the line of one value from its JSON object as the server sent it
    /// (<see cref="ValuesPageJson"/>): the key, type, value and expiry are copied as they are
    /// (the server's JSON is already exact: a NUMBER as written, BINARY as base64), with no
    /// string made of them; <c>version</c>, <c>ttlSeconds</c> and anything else are left out.
    /// </summary>
    public async ValueTask WriteJsonAsync(string partition, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        WriteLine(EncodedPartition(partition), value.Span);
        if (_buffer.WrittenCount >= ChunkBytes)
        {
            await WriteOutAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Copies the key lines of a server's export stream (<see cref="StowageClient.OpenExportAsync"/>),
    /// already in this format, byte for byte: no line is parsed or rewritten. Counts the lines
    /// as they pass (<paramref name="onLines"/> after each read); a stream that ends inside a
    /// line is a cut answer, and throws.
    /// </summary>
    public async Task CopyLinesAsync(Stream source, Action<int> onLines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(onLines);
        await WriteOutAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var last = (byte)'\n';
            int read;
            while ((read = await ReadAsync(source, buffer, cancellationToken)) > 0)
            {
                var lines = buffer.AsSpan(0, read).Count((byte)'\n');
                last = buffer[read - 1];
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                Lines += lines;
                onLines(lines);
            }

            if (last != (byte)'\n')
            {
                throw new IOException($"The server's export ended inside a line, after {Lines - 1:N0} keys.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask<int> ReadAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            // A cut answer (the server failed or went away): say so, and how far it got.
            throw new IOException($"The server's export stopped before its end, after {Lines - 1:N0} keys: {e.Message}", e);
        }
    }

    private ReadOnlySpan<byte> EncodedPartition(string partition)
    {
        if (partition != _partition)
        {
            _partition = partition;
            _encodedPartition = JsonEncodedText.Encode(partition, Options.Encoder);
        }

        return _encodedPartition.EncodedUtf8Bytes;
    }

    private void WriteLine(ReadOnlySpan<byte> partition, ReadOnlySpan<byte> value)
    {
        var (key, type, stringValue, numberValue, binaryValue, expiresAt) = Fields(value);
        Append("{\"partition\":\""u8);
        Append(partition);
        Append("\",\"key\":"u8);
        Append(value[key]);
        Append(",\"valueType\":"u8);
        Append(value[type]);
        AppendField(",\"stringValue\":"u8, value, stringValue);
        AppendField(",\"numberValue\":"u8, value, numberValue);
        AppendField(",\"binaryValue\":"u8, value, binaryValue);
        AppendField(",\"expiresAt\":"u8, value, expiresAt);
        Append("}\n"u8);
        Lines++;
    }

    /// <summary>
    /// Where each field's JSON token lies in a value object. A value without a key, a type or
    /// any content, or with a field of the wrong JSON type, is the server's fault: the export
    /// stops rather than write a line an import would refuse.
    /// </summary>
    private static (Range Key, Range Type, Range? String, Range? Number, Range? Binary, Range? ExpiresAt) Fields(ReadOnlySpan<byte> value)
    {
        Span<Range> found = stackalloc Range[6];
        Span<bool> present = stackalloc bool[6];
        var reader = new Utf8JsonReader(value, isFinalBlock: true, state: default);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var (field, expected) =
                reader.ValueTextEquals("keyId"u8) ? (0, JsonTokenType.String)
                : reader.ValueTextEquals("valueType"u8) ? (1, JsonTokenType.String)
                : reader.ValueTextEquals("stringValue"u8) ? (2, JsonTokenType.String)
                : reader.ValueTextEquals("numberValue"u8) ? (3, JsonTokenType.Number)
                : reader.ValueTextEquals("binaryValue"u8) ? (4, JsonTokenType.String)
                : reader.ValueTextEquals("expiresAt"u8) ? (5, JsonTokenType.String)
                : (-1, JsonTokenType.None);
            reader.Read();
            if (field < 0 || reader.TokenType == JsonTokenType.Null)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != expected)
            {
                throw MalformedValue();
            }

            var start = (int)reader.TokenStartIndex;
            found[field] = start..(int)reader.BytesConsumed;
            present[field] = true;
        }

        if (!present[0] || !present[1] || !(present[2] || present[3] || present[4]))
        {
            throw MalformedValue();
        }

        return (found[0], found[1], present[2] ? found[2] : null, present[3] ? found[3] : null, present[4] ? found[4] : null, present[5] ? found[5] : null);
    }

    private static StowageApiException MalformedValue() =>
        new(System.Net.HttpStatusCode.OK, code: null, "The server answered with a value without its key, type or content, or with a field of the wrong type.");

    private void AppendField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, Range? token)
    {
        if (token is { } range)
        {
            Append(name);
            Append(value[range]);
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
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
