using System.Globalization;
using System.Text.Json;
using Stowage.Core.Errors;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Accounts;

/// <summary>
/// Reads access-management request bodies member by member, so a wrong type is a 400 naming
/// the member rather than a generic parse failure. Unknown members are ignored (clients send
/// back what they read); <c>null</c> is the same as an absent member.
/// </summary>
internal sealed class AccessJson(JsonElement root)
{
    public const long SmallBodyBytes = 16 * 1024;
    public const int MaxIdLength = 128;

    /// <summary>The first problem found; later reads return defaults once it is set.</summary>
    public Error? Error { get; private set; }

    public JsonElement Root => root;

    /// <summary>The body as a JSON object; an empty body is a 400 unless <paramref name="allowEmpty"/>.</summary>
    public static async Task<Result<JsonDocument>> ReadObjectAsync(HttpContext context, long maxBytes, bool allowEmpty = false)
    {
        var body = await JsonBody.ReadAsync(context, maxBytes, ErrorCodes.BodyTooLarge, context.RequestAborted);
        if (!body.IsSuccess)
        {
            return body.Error!;
        }

        var document = body.Value ?? (allowEmpty ? JsonDocument.Parse("{}") : null);
        if (document is null)
        {
            return Result<JsonDocument>.Fail(ErrorCodes.InvalidRequest, "A JSON object body is required.");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return Result<JsonDocument>.Fail(ErrorCodes.InvalidRequest, "The body must be a JSON object.");
        }

        return document;
    }

    public string? String(string name, bool required = false, string? path = null) =>
        Read(name, required, path, JsonValueKind.String, "a string", e => Text(e, Label(name, path)));

    /// <summary>A string holding an id: at most <see cref="MaxIdLength"/> characters, no control characters.</summary>
    public string? Id(string name, bool required = false, string? path = null)
    {
        var value = String(name, required, path);
        if (value is not null && (value.Length is 0 or > MaxIdLength || value.Any(char.IsControl)))
        {
            Fail(ErrorCodes.InvalidId, $"{Label(name, path)} is not a valid id.");
            return null;
        }

        return value;
    }

    public bool? Boolean(string name) =>
        Error is null && Member(name) is { } element
            ? element.ValueKind is JsonValueKind.True or JsonValueKind.False ? element.GetBoolean() : Fail<bool?>(name, "true or false")
            : null;

    public int? Integer(string name, int min, int max)
    {
        if (Error is not null || Member(name) is not { } element)
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value) && value >= min && value <= max)
        {
            return value;
        }

        Fail(ErrorCodes.InvalidRequest, $"{name} must be a whole number between {min} and {max}.");
        return null;
    }

    /// <summary>An array of strings, at most <paramref name="maxItems"/> of them.</summary>
    public IReadOnlyList<string>? Strings(string name, int maxItems, bool required = false)
    {
        var array = Read(name, required, null, JsonValueKind.Array, "an array of strings", e => (JsonElement?)e);
        if (array is not { } items)
        {
            return null;
        }

        if (items.GetArrayLength() > maxItems)
        {
            Fail(ErrorCodes.InvalidRequest, $"{name} holds more than {maxItems} items.");
            return null;
        }

        var list = new List<string>();
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                Fail(ErrorCodes.InvalidRequest, $"{name}[{i}] must be a string.");
                return null;
            }

            if (Text(item, $"{name}[{i}]") is not { } text)
            {
                return null;
            }

            list.Add(text);
            i++;
        }

        return list;
    }

    /// <summary>The member when present and not null; records a type error when it is not an object.</summary>
    public JsonElement? Object(string name, string? path = null) =>
        Read(name, false, path, JsonValueKind.Object, "an object", e => (JsonElement?)e);

    public void Fail(ErrorCode code, string message) => Error ??= new Error(code, message);

    private T? Read<T>(string name, bool required, string? path, JsonValueKind kind, string expected, Func<JsonElement, T?> read)
    {
        if (Error is not null)
        {
            return default;
        }

        if (Member(name) is not { } element)
        {
            if (required)
            {
                Fail(ErrorCodes.InvalidRequest, $"{Label(name, path)} is required.");
            }

            return default;
        }

        return element.ValueKind == kind ? read(element) : Fail<T>(Label(name, path), expected);
    }

    private JsonElement? Member(string name) =>
        root.TryGetProperty(name, out var element) && element.ValueKind != JsonValueKind.Null ? element : null;

    private string? Text(JsonElement element, string label)
    {
        if (JsonText.TryGetText(element, out var text))
        {
            return text;
        }

        Fail(ErrorCodes.InvalidRequest, $"{label} holds an unpaired surrogate escape.");
        return null;
    }

    private T? Fail<T>(string label, string expected)
    {
        Fail(ErrorCodes.InvalidRequest, $"{label} must be {expected}.");
        return default;
    }

    private static string Label(string name, string? path) => path is null ? name : $"{path}.{name}";
}

/// <summary>offset and limit of an access-management list, with a per-list default and maximum.</summary>
internal static class AccessListing
{
    public static Result<(int Offset, int Limit)> Parse(IQueryCollection query, int defaultLimit, int maxLimit)
    {
        var offset = Number(query, "offset", 0, int.MaxValue, 0);
        var limit = Number(query, "limit", 1, maxLimit, defaultLimit);
        return offset.IsSuccess && limit.IsSuccess ? (offset.Value, limit.Value) : (offset.Error ?? limit.Error)!;
    }

    /// <summary>A single optional query parameter; given twice is an error.</summary>
    public static Result<string?> Single(IQueryCollection query, string name, int maxLength)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            return Result<string?>.Fail(ErrorCodes.InvalidQuery, $"Query parameter '{name}' is given more than once.");
        }

        var value = values.Count == 0 ? null : values[0];
        return value is not null && (value.Length > maxLength || value.Any(char.IsControl))
            ? Result<string?>.Fail(ErrorCodes.InvalidQuery, $"Query parameter '{name}' is longer than {maxLength} characters or holds control characters.")
            : value;
    }

    private static Result<int> Number(IQueryCollection query, string name, int min, int max, int fallback)
    {
        var values = query[name];
        if (values.Count == 0 || (values.Count == 1 && string.IsNullOrEmpty(values[0])))
        {
            return fallback;
        }

        // Digits only: int.TryParse tolerates trailing NUL characters even with NumberStyles.None.
        return values.Count == 1 && values[0]!.All(char.IsAsciiDigit)
            && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : Result<int>.Fail(ErrorCodes.InvalidQuery, $"{name} must be a whole number between {min} and {max}.");
    }
}
