using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>
/// Reads a JSON number as its exact source text and writes that text back verbatim, so a
/// number of any precision or exponent round-trips unchanged. Anything but a number token is
/// rejected, on read and on write.
/// </summary>
public sealed class RawJsonNumberConverter : JsonConverter<string>
{
    /// <inheritdoc />
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException($"Expected a JSON number but found {reader.TokenType}.");
        }

        return reader.HasValueSequence
            ? Encoding.UTF8.GetString(reader.ValueSequence)
            : Encoding.UTF8.GetString(reader.ValueSpan);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        if (!IsJsonNumber(value))
        {
            throw new JsonException("The value is not a JSON number.");
        }

        writer.WriteRawValue(value, skipInputValidation: true);
    }

    /// <summary>Whether <paramref name="text"/> is exactly one JSON number token, nothing else.</summary>
    /// <param name="text">The candidate text.</param>
    /// <returns>True when the text is a valid JSON number.</returns>
    public static bool IsJsonNumber(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            // Whitespace around a number is legal JSON but is not part of the number's text.
            return reader.Read()
                && reader.TokenType == JsonTokenType.Number
                && reader.TokenStartIndex == 0
                && reader.BytesConsumed == bytes.Length
                && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
