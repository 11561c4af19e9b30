using System.Text;
using System.Text.Json;
using Stowage.Core.Errors;
using Stowage.ObjectStore;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>
/// A value typed into a console form, turned into the bytes the API would store for the
/// same value: UTF-8 text, the exact number text, or the bytes of standard base64.
/// </summary>
public static class ValueInput
{
    /// <summary>The API's limit: 10 MB, BINARY measured as base64 text, STRING as UTF-8.</summary>
    public const int MaxValueChars = 10 * 1024 * 1024;

    public static IReadOnlyList<(string Value, ValueKind Kind)> Types { get; } =
        [("STRING", ValueKind.String), ("NUMBER", ValueKind.Number), ("BINARY", ValueKind.Binary)];

    public static string Name(ValueKind kind) => Types.First(t => t.Kind == kind).Value;

    /// <summary>
    /// Browsers send every line break of a form as CRLF. <paramref name="lineBreaks"/> says
    /// which the value had when the form was opened ("crlf" or else LF), so that saving a
    /// text unchanged writes back the same bytes.
    /// </summary>
    public static Result<StoredValue> Parse(string? type, string? text, string? lineBreaks)
    {
        text ??= string.Empty;
        switch (Types.FirstOrDefault(t => t.Value == type).Kind)
        {
            case ValueKind.String:
                var value = lineBreaks == "crlf" ? text : text.Replace("\r\n", "\n", StringComparison.Ordinal);
                return Encoding.UTF8.GetByteCount(value) > MaxValueChars
                    ? TooLarge()
                    : new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes(value));
            case ValueKind.Number:
                var number = text.Trim();
                return IsJsonNumber(number)
                    ? new StoredValue(ValueKind.Number, Encoding.UTF8.GetBytes(number))
                    : new Error(ErrorCodes.InvalidValue, "A NUMBER must be a number such as 42, -1.5 or 6.02e23.");
            case ValueKind.Binary:
                // Whitespace is allowed here (pasted base64 wraps), unlike on the wire.
                var base64 = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
                if (base64.Length > MaxValueChars)
                {
                    return TooLarge();
                }

                var bytes = new byte[base64.Length * 3 / 4];
                return Convert.TryFromBase64String(base64, bytes, out var written) && base64.Length % 4 == 0
                    ? new StoredValue(ValueKind.Binary, bytes[..written])
                    : new Error(ErrorCodes.InvalidValue, "A BINARY value is entered as base64 text (A–Z, a–z, 0–9, + and /, padded with =).");
            default:
                return new Error(ErrorCodes.InvalidValueType, "Choose the value type: STRING, NUMBER or BINARY.");
        }
    }

    /// <summary>The line-break style of a text value, for <see cref="Parse"/>.</summary>
    public static string LineBreaks(string text) =>
        text.Contains("\r\n", StringComparison.Ordinal) && !text.Replace("\r\n", string.Empty, StringComparison.Ordinal).Contains('\n', StringComparison.Ordinal)
            ? "crlf"
            : "lf";

    private static bool IsJsonNumber(string text)
    {
        if (text.Length == 0 || text.Length > 4096)
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.BytesConsumed == bytes.Length && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Error TooLarge() => new(ErrorCodes.ValueTooLarge, "The value exceeds 10 MB (BINARY measured as base64 text, STRING as UTF-8).");
}
