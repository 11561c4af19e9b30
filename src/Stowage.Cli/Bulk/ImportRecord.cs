using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Stowage.Contracts;

namespace Stowage.Cli.Bulk;

/// <summary>
/// One key to import, made ready to send: its partition and key, its exported expiry, and the
/// Value object the write sends, whose value token is the export line's own bytes (a 1 KB
/// value is never turned into a string and back). The object is left open until
/// <see cref="Body"/> adds the TTL, which is computed when the write is first sent.
/// </summary>
public sealed class ImportRecord
{
    /// <summary>Room kept after the value for <c>,"ttlSeconds":</c>, any <see cref="long"/> and <c>}</c>.</summary>
    private const int TailRoom = 14 + 20 + 1;

    private readonly byte[] _buffer;
    private readonly int _open;
    private int _length;

    private ImportRecord(string partition, string key, DateTimeOffset? expiresAt, byte[] buffer, int open)
    {
        Partition = partition;
        Key = key;
        ExpiresAt = expiresAt;
        _buffer = buffer;
        _open = open;
    }

    public string Partition { get; }

    public string Key { get; }

    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>
    /// The Value object to send, closed with <paramref name="ttlSeconds"/> (none: the store's
    /// TTL). The first call fixes it: a write sent again sends the same bytes.
    /// </summary>
    public ReadOnlyMemory<byte> Body(long? ttlSeconds)
    {
        if (_length == 0)
        {
            var tail = _buffer.AsSpan(_open);
            var written = 0;
            if (ttlSeconds is { } ttl)
            {
                ",\"ttlSeconds\":"u8.CopyTo(tail);
                written = ",\"ttlSeconds\":"u8.Length;
                ttl.TryFormat(tail[written..], out var digits, provider: CultureInfo.InvariantCulture);
                written += digits;
            }

            tail[written++] = (byte)'}';
            _length = _open + written;
        }

        return _buffer.AsMemory(0, _length);
    }

    /// <summary>The value as the SDK's object, to compare with a key read back (<c>--on-conflict fail</c>).</summary>
    public ValueDto ToValue() =>
        JsonSerializer.Deserialize(Body(null).Span, StowageJsonContext.Default.ValueDto)
        ?? throw new InvalidOperationException("A prepared value is never null.");

    /// <summary>A value read from a server, written out again with the JSON writer (<c>copy</c>).</summary>
    public static ImportRecord From(string partition, ValueDto value)
    {
        var output = new ArrayBufferWriter<byte>(256 + (value.StringValue?.Length * 3 ?? value.BinaryValue?.Length ?? value.NumberValue?.Length ?? 0));
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("valueType"u8, value.ValueType);
            switch (value.ValueType)
            {
                case ValueTypes.Number:
                    writer.WritePropertyName("numberValue"u8);
                    writer.WriteRawValue(value.NumberValue ?? throw Missing(value.ValueType), skipInputValidation: false);
                    break;
                case ValueTypes.Binary:
                    writer.WriteString("binaryValue"u8, value.BinaryValue ?? throw Missing(value.ValueType));
                    break;
                default:
                    writer.WriteString("stringValue"u8, value.StringValue ?? throw Missing(value.ValueType));
                    break;
            }

            // Left open: Body closes it with the TTL.
            writer.Flush();
        }

        var open = output.WrittenCount;
        var buffer = new byte[open + TailRoom];
        output.WrittenSpan.CopyTo(buffer);
        return new ImportRecord(partition, value.KeyId ?? throw new InvalidOperationException("The server sent a value without its key."), value.ExpiresAt, buffer, open);
    }

    private static InvalidOperationException Missing(string? type) => new($"The server sent a {type} value without its content.");

    /// <summary>
    /// Reads one line of an export. Members other than those of the format are ignored; a
    /// member given twice counts once, the last time. Throws <see cref="JsonException"/> when
    /// the line is not well-formed JSON (or holds more than one value); otherwise null and
    /// <paramref name="problem"/> say why a line cannot be imported (not an object, a member
    /// missing or of the wrong type, an unknown value type).
    /// </summary>
    public static ImportRecord? Parse(ReadOnlySpan<byte> line, out string? problem)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            problem = "not a JSON object";
            SkipRest(ref reader);
            return null;
        }

        string? partition = null, key = null, valueType = null;
        Range? stringValue = null, numberValue = null, binaryValue = null;
        DateTimeOffset? expiresAt = null;
        problem = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field =
                reader.ValueTextEquals("partition"u8) ? Field.Partition
                : reader.ValueTextEquals("key"u8) ? Field.Key
                : reader.ValueTextEquals("valueType"u8) ? Field.ValueType
                : reader.ValueTextEquals("stringValue"u8) ? Field.StringValue
                : reader.ValueTextEquals("numberValue"u8) ? Field.NumberValue
                : reader.ValueTextEquals("binaryValue"u8) ? Field.BinaryValue
                : reader.ValueTextEquals("expiresAt"u8) ? Field.ExpiresAt
                : Field.Other;
            reader.Read();
            if (field == Field.Other)
            {
                reader.Skip();
                continue;
            }

            var token = (int)reader.TokenStartIndex..(int)reader.BytesConsumed;
            var isNull = reader.TokenType == JsonTokenType.Null;
            var expected = field == Field.NumberValue ? JsonTokenType.Number : JsonTokenType.String;
            if (!isNull && reader.TokenType != expected)
            {
                problem ??= $"{Name(field)} is not a JSON {(expected == JsonTokenType.Number ? "number" : "string")}";
                reader.Skip();
                continue;
            }

            switch (field)
            {
                case Field.Partition:
                    partition = isNull ? null : reader.GetString();
                    break;
                case Field.Key:
                    key = isNull ? null : reader.GetString();
                    break;
                case Field.ValueType:
                    valueType = isNull ? null : reader.GetString();
                    break;
                case Field.StringValue:
                    stringValue = isNull ? null : token;
                    break;
                case Field.NumberValue:
                    numberValue = isNull ? null : token;
                    break;
                case Field.BinaryValue:
                    binaryValue = isNull ? null : token;
                    break;
                default:
                    if (isNull)
                    {
                        expiresAt = null;
                    }
                    else if (reader.TryGetDateTimeOffset(out var instant))
                    {
                        expiresAt = instant;
                    }
                    else
                    {
                        problem ??= "expiresAt is not an ISO 8601 time";
                    }

                    break;
            }
        }

        SkipRest(ref reader);
        var value = valueType switch
        {
            ValueTypes.String => stringValue,
            ValueTypes.Number => numberValue,
            ValueTypes.Binary => binaryValue,
            _ => null,
        };
        problem ??= (partition, key, valueType) switch
        {
            (null or "", _, _) => "no partition",
            (_, null or "", _) => "no key",
            (_, _, ValueTypes.String or ValueTypes.Number or ValueTypes.Binary) when value is null => $"a {valueType} without {Name(valueType)}",
            (_, _, ValueTypes.String or ValueTypes.Number or ValueTypes.Binary) => null,
            _ => $"an unknown valueType '{valueType}'",
        };
        if (problem is not null)
        {
            return null;
        }

        var member = valueType switch
        {
            ValueTypes.String => "{\"valueType\":\"STRING\",\"stringValue\":"u8,
            ValueTypes.Number => "{\"valueType\":\"NUMBER\",\"numberValue\":"u8,
            _ => "{\"valueType\":\"BINARY\",\"binaryValue\":"u8,
        };
        var bytes = line[value!.Value];
        var buffer = new byte[member.Length + bytes.Length + TailRoom];
        member.CopyTo(buffer);
        bytes.CopyTo(buffer.AsSpan(member.Length));
        return new ImportRecord(partition!, key!, expiresAt, buffer, member.Length + bytes.Length);
    }

    /// <summary>Reads to the end of the line, so a line with anything after its object is not JSON.</summary>
    private static void SkipRest(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    private static string Name(Field field) => field switch
    {
        Field.Partition => "partition",
        Field.Key => "key",
        Field.ValueType => "valueType",
        Field.StringValue => "stringValue",
        Field.NumberValue => "numberValue",
        Field.BinaryValue => "binaryValue",
        _ => "expiresAt",
    };

    private static string Name(string? valueType) => valueType switch
    {
        ValueTypes.Number => "numberValue",
        ValueTypes.Binary => "binaryValue",
        _ => "stringValue",
    };

    private enum Field
    {
        Other,
        Partition,
        Key,
        ValueType,
        StringValue,
        NumberValue,
        BinaryValue,
        ExpiresAt,
    }
}
