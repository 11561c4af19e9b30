using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>
/// Writes instants as ISO-8601 UTC with a <c>Z</c> suffix (as Anypoint does); reads any
/// ISO-8601 form with an offset.
/// </summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => reader.GetDateTimeOffset();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.UtcDateTime);
}
