using System.Text.Json;

namespace Stowage.Server.Infrastructure;

/// <summary>Reading JSON strings without letting escaped lone surrogates become 500s.</summary>
public static class JsonText
{
    /// <summary>
    /// The text of a JSON string, or false when its escapes decode to a lone surrogate
    /// ("\uD800"): valid JSON syntax, but text that has no UTF-8 form to store or compare.
    /// </summary>
    public static bool TryGetText(JsonElement element, out string text)
    {
        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = string.Empty;
            return false;
        }
    }

    /// <summary>The member's text when it is a well-formed JSON string; otherwise null.</summary>
    public static string? TryGetString(JsonElement obj, string member) =>
        obj.TryGetProperty(member, out var element) && element.ValueKind == JsonValueKind.String && TryGetText(element, out var text)
            ? text
            : null;
}
