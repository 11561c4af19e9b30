using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Stowage.Core.Errors;
using Stowage.ObjectStore;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>
/// The Value shape on the wire: <c>{keyId, valueType, stringValue | binaryValue | numberValue}</c>
/// plus the ext members <c>ttlSeconds</c> (write) and <c>expiresAt</c>, <c>version</c> (read).
/// BINARY bytes and NUMBER text pass through untouched.
/// </summary>
internal static class ValueJson
{
    /// <summary>10 MB, measured as base64 text for BINARY and as UTF-8 for STRING.</summary>
    public const int MaxValueChars = 10 * 1024 * 1024;

    /// <summary>The largest write body: the value plus room for the other members.</summary>
    public const long MaxBodyBytes = MaxValueChars + (64 * 1024);

    private const string VersionFormat = "x16";
    internal const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public sealed record Write(StoredValue Value, long? TtlSeconds);

    public static Result<Write> Parse(JsonDocument? document, string pathKey)
    {
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root)
        {
            return Invalid("The body must be a JSON object with valueType and a value.");
        }

        if (root.TryGetProperty("keyId", out var keyId) && keyId.ValueKind != JsonValueKind.Null)
        {
            if (keyId.ValueKind != JsonValueKind.String)
            {
                return Invalid("keyId must be a string.");
            }

            if (!JsonText.TryGetText(keyId, out var keyText))
            {
                return Invalid(NotUnicode("keyId"));
            }

            if (keyText != pathKey)
            {
                return Result<Write>.Fail(ErrorCodes.KeyIdMismatch, "keyId in the body must equal the key in the path.");
            }
        }

        var kind = ParseKind(root);
        if (!kind.IsSuccess)
        {
            return kind.Error!;
        }

        var ttl = ParseTtl(root);
        if (!ttl.IsSuccess)
        {
            return ttl.Error!;
        }

        var value = ParseValue(root, kind.Value);
        return value.IsSuccess ? new Write(value.Value, ttl.Value) : value.Error!;
    }

    private static Result<ValueKind> ParseKind(JsonElement root)
    {
        var present = Members.Where(m => root.TryGetProperty(m.Member, out var v) && v.ValueKind != JsonValueKind.Null).ToArray();
        if (!root.TryGetProperty("valueType", out var type) || type.ValueKind == JsonValueKind.Null)
        {
            // Without valueType, the one value member present decides.
            return present.Length == 1
                ? present[0].Kind
                : Result<ValueKind>.Fail(ErrorCodes.InvalidValueType, "valueType is required: STRING, BINARY or NUMBER.");
        }

        var name = type.ValueKind == JsonValueKind.String && JsonText.TryGetText(type, out var typeText) ? typeText : null;
        var match = Members.FirstOrDefault(m => m.Name == name);
        if (match.Member is null)
        {
            return Result<ValueKind>.Fail(ErrorCodes.InvalidValueType, "valueType must be STRING, BINARY or NUMBER.");
        }

        return present.Length == 1 && present[0].Kind == match.Kind
            ? match.Kind
            : Invalid($"A {match.Name} value needs {match.Member} and no other value member.").Error!;
    }

    private static Result<StoredValue> ParseValue(JsonElement root, ValueKind kind)
    {
        var element = root.GetProperty(Members.First(m => m.Kind == kind).Member);
        switch (kind)
        {
            case ValueKind.String when element.ValueKind == JsonValueKind.String:
                // Without escapes, the string's content is its stored UTF-8 bytes exactly as sent
                // (the body was checked to be UTF-8): copied once, not decoded into a .NET string
                // and encoded back.
                var raw = JsonMarshal.GetRawUtf8Value(element);
                if (!raw.Contains((byte)'\\'))
                {
                    var content = raw[1..^1];
                    return content.Length > MaxValueChars ? TooLarge() : new StoredValue(ValueKind.String, content.ToArray());
                }

                if (!JsonText.TryGetText(element, out var text))
                {
                    return Result<StoredValue>.Fail(ErrorCodes.InvalidValue, NotUnicode("stringValue"));
                }

                return Encoding.UTF8.GetByteCount(text) > MaxValueChars
                    ? TooLarge()
                    : new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes(text));
            case ValueKind.Binary when element.ValueKind == JsonValueKind.String:
                if (!JsonText.TryGetText(element, out var base64))
                {
                    return Result<StoredValue>.Fail(ErrorCodes.InvalidValue, "binaryValue is not valid base64.");
                }

                if (base64.Length > MaxValueChars)
                {
                    return TooLarge();
                }

                return Base64.IsValid(base64.AsSpan(), out _) && !base64.Any(char.IsWhiteSpace)
                    ? new StoredValue(ValueKind.Binary, Convert.FromBase64String(base64))
                    : Result<StoredValue>.Fail(ErrorCodes.InvalidValue, "binaryValue is not valid base64.");
            case ValueKind.Number when element.ValueKind == JsonValueKind.Number:
                return new StoredValue(ValueKind.Number, Encoding.UTF8.GetBytes(element.GetRawText()));
            default:
                var expected = kind == ValueKind.Number ? "a JSON number" : "a JSON string";
                return Result<StoredValue>.Fail(ErrorCodes.InvalidValue, $"The value of a {kind.ToString().ToUpperInvariant()} must be {expected}.");
        }
    }

    /// <summary>ttlSeconds: an integer; out-of-range values are clamped (compat), not refused.</summary>
    private static Result<long?> ParseTtl(JsonElement root)
    {
        if (!root.TryGetProperty("ttlSeconds", out var ttl) || ttl.ValueKind == JsonValueKind.Null)
        {
            return Result<long?>.Ok(null);
        }

        if (ttl.ValueKind == JsonValueKind.Number)
        {
            var raw = ttl.GetRawText();
            if (ttl.TryGetInt64(out var seconds))
            {
                return TtlPolicy.Clamp(seconds);
            }

            // Integers beyond 64 bits are still integers: clamp them like any other out-of-range TTL.
            if (raw.TrimStart('-').All(char.IsAsciiDigit))
            {
                return TtlPolicy.MaxTtlSeconds;
            }
        }

        return Result<long?>.Fail(ErrorCodes.InvalidValue, "ttlSeconds must be a whole number of seconds.");
    }

    public static void WriteValue(Utf8JsonWriter writer, Entry entry, PendingWriteResult? pending = null)
    {
        writer.WriteStartObject();
        writer.WriteString("keyId", entry.Key);
        WriteContent(writer, entry.Value.Kind, entry.Value.Data);

        // Formatted into the stack, not into strings: a page writes these for every value.
        Span<byte> text = stackalloc byte[32];
        writer.WriteString("expiresAt"u8, Timestamp(entry.Expiry.ExpiresAt, text));
        writer.WriteString("version"u8, Version(entry.Version, text));
        if (pending is { ConfirmationId: { } confirmationId, DiscardAt: { } discardAt })
        {
            writer.WriteString("confirmationId", confirmationId);
            writer.WriteString("confirmationExpiresAt"u8, Timestamp(discardAt, text));
        }

        writer.WriteEndObject();
    }

    /// <summary><c>valueType</c> and the value's member (<c>stringValue</c>, <c>binaryValue</c> as base64, or <c>numberValue</c> as written).</summary>
    public static void WriteContent(Utf8JsonWriter writer, ValueKind kind, ReadOnlySpan<byte> data)
    {
        switch (kind)
        {
            case ValueKind.String:
                writer.WriteString("valueType"u8, "STRING"u8);
                writer.WriteString("stringValue"u8, data);
                break;
            case ValueKind.Binary:
                writer.WriteString("valueType"u8, "BINARY"u8);
                writer.WriteBase64String("binaryValue"u8, data);
                break;
            default:
                writer.WriteString("valueType"u8, "NUMBER"u8);
                writer.WritePropertyName("numberValue"u8);
                writer.WriteRawValue(data, skipInputValidation: true);
                break;
        }
    }

    public static string Version(Entry entry) => entry.Version.ToString(VersionFormat, CultureInfo.InvariantCulture);

    /// <summary>The version as <see cref="Version(Entry)"/> writes it, in UTF-8 into <paramref name="buffer"/>.</summary>
    private static ReadOnlySpan<byte> Version(long version, Span<byte> buffer) =>
        version.TryFormat(buffer, out var written, VersionFormat, CultureInfo.InvariantCulture)
            ? buffer[..written]
            : throw new InvalidOperationException("A version did not fit its buffer.");

    /// <summary>
    /// A time as the API writes it (<see cref="TimestampFormat"/>: UTC, milliseconds), in UTF-8
    /// into <paramref name="buffer"/>: the round-trip format's first 23 characters (its
    /// fraction has seven digits, cut to three as "fff" does) and a Z. The round-trip format
    /// has its own fast path; a custom format is interpreted afresh on every call (0.8 % of a
    /// GET's profile, once per value on a values page; docs/performance.md).
    /// </summary>
    internal static ReadOnlySpan<byte> Timestamp(DateTimeOffset time, Span<byte> buffer)
    {
        if (!time.UtcDateTime.TryFormat(buffer, out var written, "O", CultureInfo.InvariantCulture) || written != 28)
        {
            throw new InvalidOperationException("A time did not fit its buffer.");
        }

        buffer[23] = (byte)'Z';
        return buffer[..24];
    }

    /// <summary>The entry's ETag header: its version in quotes, made as one string.</summary>
    public static string ETag(Entry entry) => string.Create(18, entry.Version, static (tag, version) =>
    {
        tag[0] = tag[^1] = '"';
        if (!version.TryFormat(tag[1..^1], out var written, VersionFormat, CultureInfo.InvariantCulture) || written != 16)
        {
            throw new InvalidOperationException("A version did not fit its ETag.");
        }
    });

    private static string NotUnicode(string member) => $"{member} contains an escaped lone surrogate (\\uD800 to \\uDFFF), which is not text.";

    private static Result<StoredValue> TooLarge() =>
        Result<StoredValue>.Fail(ErrorCodes.ValueTooLarge, "The value exceeds 10 MB (BINARY measured as base64 text, STRING as UTF-8).");

    private static Result<Write> Invalid(string message) => Result<Write>.Fail(ErrorCodes.InvalidValue, message);

    private static readonly (string Name, string Member, ValueKind Kind)[] Members =
    [
        ("STRING", "stringValue", ValueKind.String),
        ("BINARY", "binaryValue", ValueKind.Binary),
        ("NUMBER", "numberValue", ValueKind.Number),
    ];
}
