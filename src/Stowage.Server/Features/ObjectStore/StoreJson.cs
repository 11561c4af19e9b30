using System.Text.Json;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.ObjectStore;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>
/// Store settings on <c>PUT</c>: any subset of the members, seconds or milliseconds forms;
/// unset members take the defaults, TTLs outside 1…2 592 000 s are clamped.
/// </summary>
internal static class StoreJson
{
    public const long MaxBodyBytes = 64 * 1024;

    public static Result<StoreSettings> Parse(JsonDocument? document)
    {
        var defaults = StoreSettings.Defaults;
        if (document is null)
        {
            return defaults;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return Invalid("The body must be a JSON object of store settings.");
        }

        var root = document.RootElement;
        var ttl = Ttl(root, "defaultTtlSeconds", "defaultTtlMillis", defaults.DefaultTtlSeconds);
        var confirmation = Ttl(root, "defaultConfirmationTtlSeconds", "defaultConfirmationTtlMillis", defaults.DefaultConfirmationTtlSeconds);
        var isFixed = Flag(root, "isFixedTtl", defaults.IsFixedTtl);
        var persistent = Flag(root, "persistent", defaults.Persistent);
        var encrypted = Flag(root, "encrypted", defaults.Encrypted);
        foreach (var error in new[] { ttl.Error, confirmation.Error, isFixed.Error, persistent.Error, encrypted.Error })
        {
            if (error is not null)
            {
                return error;
            }
        }

        return new StoreSettings(ttl.Value, confirmation.Value, isFixed.Value, persistent.Value, encrypted.Value);
    }

    /// <summary>Whether the body names <c>encrypted</c>; when it does not, an existing store keeps its own.</summary>
    public static bool NamesEncryption(JsonDocument? document) =>
        document?.RootElement is { ValueKind: JsonValueKind.Object } root
        && root.TryGetProperty("encrypted", out var encrypted)
        && encrypted.ValueKind != JsonValueKind.Null;

    public static StoreDto ToDto(StoreRecord store) => new()
    {
        StoreId = store.StoreId,
        Encrypted = store.Settings.Encrypted,
        PermanentOsFlag = false,
        Persistent = store.Settings.Persistent,
        DefaultTtlSeconds = store.Settings.DefaultTtlSeconds,
        DefaultConfirmationTtlSeconds = store.Settings.DefaultConfirmationTtlSeconds,
        IsFixedTtl = store.Settings.IsFixedTtl,
    };

    private static Result<long> Ttl(JsonElement root, string secondsName, string millisName, long fallback)
    {
        var seconds = Integer(root, secondsName);
        var millis = Integer(root, millisName);
        if (!seconds.IsSuccess || !millis.IsSuccess)
        {
            return (seconds.Error ?? millis.Error)!;
        }

        // Milliseconds round up: a TTL is never shortened by the conversion.
        long? fromMillis = millis.Value is { } ms ? (ms <= 0 ? 0 : (ms + 999) / 1000) : null;
        if (seconds.Value is { } s && fromMillis is { } m && TtlPolicy.Clamp(s) != TtlPolicy.Clamp(m))
        {
            return Invalid($"{secondsName} and {millisName} disagree; send one of them.").Error!;
        }

        return TtlPolicy.Clamp(seconds.Value ?? fromMillis ?? fallback);
    }

    private static Result<long?> Integer(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return Result<long?>.Ok(null);
        }

        if (element.ValueKind == JsonValueKind.Number)
        {
            if (element.TryGetInt64(out var value))
            {
                return value;
            }

            if (element.GetRawText().TrimStart('-').All(char.IsAsciiDigit))
            {
                return long.MaxValue;
            }
        }

        return Result<long?>.Fail(ErrorCodes.InvalidStoreSettings, $"{name} must be a whole number.");
    }

    private static Result<bool> Flag(JsonElement root, string name, bool fallback)
    {
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return element.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? element.GetBoolean()
            : Result<bool>.Fail(ErrorCodes.InvalidStoreSettings, $"{name} must be true or false.");
    }

    private static Result<StoreSettings> Invalid(string message) => Result<StoreSettings>.Fail(ErrorCodes.InvalidStoreSettings, message);
}
