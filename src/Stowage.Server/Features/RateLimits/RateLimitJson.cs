using System.Text.Json;
using Stowage.Access.Limits;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.RateLimits;

/// <summary>
/// The body of <c>PUT …/limits</c>: a preset (<c>{"limit":"standard"}</c>), custom numbers
/// (<c>{"requestsPerSecond":5,"requestsPerMinute":100}</c>, optionally with
/// <c>"limit":"custom"</c>) or <c>{"limit":"inherit"}</c>, strictly checked; and the answer.
/// </summary>
internal static class RateLimitJson
{
    public const long MaxBodyBytes = 4 * 1024;
    public const string Inherit = "inherit";

    private static readonly string[] Members = ["limit", "requestsPerSecond", "requestsPerMinute"];

    /// <summary>The policy to set, or null for <c>inherit</c> (remove the setting).</summary>
    public static Result<RateLimitPolicy?> Parse(JsonDocument? document)
    {
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root)
        {
            return Invalid("The body must be a JSON object: {\"limit\":\"standard\"} or {\"requestsPerSecond\":5,\"requestsPerMinute\":100}.");
        }

        foreach (var member in root.EnumerateObject())
        {
            if (!Members.Any(member.NameEquals))
            {
                return Invalid("The body has an unknown member: a limit has only limit, requestsPerSecond and requestsPerMinute.");
            }
        }

        string? limit = null;
        if (root.TryGetProperty("limit", out var limitElement) && limitElement.ValueKind != JsonValueKind.Null)
        {
            if (limitElement.ValueKind != JsonValueKind.String || !JsonText.TryGetText(limitElement, out var text))
            {
                return Invalid("limit must be a string: none, standard, premium, custom or inherit.");
            }

            limit = text;
        }

        var perSecond = Number(root, "requestsPerSecond");
        var perMinute = Number(root, "requestsPerMinute");
        if (!perSecond.IsSuccess || !perMinute.IsSuccess)
        {
            return (perSecond.Error ?? perMinute.Error)!;
        }

        var hasNumbers = perSecond.Value is not null || perMinute.Value is not null;
        if (limit is not null && !limit.Equals("custom", StringComparison.OrdinalIgnoreCase))
        {
            var preset = limit.Equals(Inherit, StringComparison.OrdinalIgnoreCase) ? null : RateLimitPolicy.Preset(limit);
            if (preset is null && !limit.Equals(Inherit, StringComparison.OrdinalIgnoreCase))
            {
                return Invalid($"'{Shorten(limit)}' is not a limit: use none, standard, premium, custom or inherit.");
            }

            return hasNumbers
                ? Invalid($"'{limit.ToLowerInvariant()}' takes no numbers: send requestsPerSecond and requestsPerMinute only with a custom limit.")
                : Result<RateLimitPolicy?>.Ok(preset);
        }

        if (perSecond.Value is not { } rps || perMinute.Value is not { } rpm)
        {
            return Invalid("A custom limit needs both requestsPerSecond and requestsPerMinute (or send a preset: {\"limit\":\"standard\"}).");
        }

        var custom = RateLimitPolicy.Custom(rps, rpm);
        return custom.IsSuccess ? custom.Value : custom.Error!;
    }

    public static RateLimitDto ToDto(RateLimitScope scope, RateLimitSetting? setting, EffectiveRateLimit effective) => new()
    {
        Level = RateLimitLevels.Name(scope.Level),
        Limit = setting?.Policy.Name ?? Inherit,
        RequestsPerSecond = setting is { Policy.IsUnlimited: false } ? setting.Policy.RequestsPerSecond : null,
        RequestsPerMinute = setting is { Policy.IsUnlimited: false } ? setting.Policy.RequestsPerMinute : null,
        UpdatedAt = setting?.UpdatedAt,
        Effective = new RateLimitValueDto
        {
            Limit = effective.Policy.Name,
            RequestsPerSecond = effective.Policy.IsUnlimited ? null : effective.Policy.RequestsPerSecond,
            RequestsPerMinute = effective.Policy.IsUnlimited ? null : effective.Policy.RequestsPerMinute,
        },
        EffectiveFrom = RateLimitLevels.Name(effective.Level),
    };

    // Whole JSON numbers only: "5" (a string), 5.5 and true are refused, and so are numbers
    // too large for any limit (they come back as out of range, not as an overflow).
    private static Result<long?> Number(JsonElement root, string name)
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

            var text = element.GetRawText();
            if (text.TrimStart('-').All(char.IsAsciiDigit))
            {
                return text.StartsWith('-') ? long.MinValue : long.MaxValue;
            }
        }

        return Result<long?>.Fail(ErrorCodes.InvalidRateLimit, $"{name} must be a whole number.");
    }

    private static string Shorten(string text) => text.Length > 64 ? text[..64] + "…" : text;

    private static Result<RateLimitPolicy?> Invalid(string message) => Result<RateLimitPolicy?>.Fail(ErrorCodes.InvalidRateLimit, message);
}
