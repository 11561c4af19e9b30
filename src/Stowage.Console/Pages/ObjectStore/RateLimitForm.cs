using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Stowage.Access.Limits;
using Stowage.Core.Errors;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>
/// The store page's rate-limit form: inherit, a preset, or custom numbers, checked as the API
/// checks them (<see cref="RateLimitPolicy.Custom"/>).
/// </summary>
public sealed class RateLimitForm
{
    public const string Inherit = "inherit";

    [FromForm(Name = "limit")]
    public string? Limit { get; set; }

    [FromForm(Name = "requestsPerSecond")]
    public string? RequestsPerSecond { get; set; }

    [FromForm(Name = "requestsPerMinute")]
    public string? RequestsPerMinute { get; set; }

    /// <summary>The choices offered, in order.</summary>
    public static IReadOnlyList<(string Value, string Label)> Choices { get; } =
    [
        (Inherit, "Inherit"),
        ("none", "None (unlimited)"),
        ("standard", "Standard: 10/s, bursts up to 600 a minute"),
        ("premium", "Premium: 100/s, bursts up to 6 000 a minute"),
        ("custom", "Custom"),
    ];

    /// <summary>The policy to set, or null to remove the store's own setting.</summary>
    public Result<RateLimitPolicy?> ToPolicy()
    {
        var choice = (Limit ?? string.Empty).Trim().ToLowerInvariant();
        if (choice == Inherit)
        {
            return Result<RateLimitPolicy?>.Ok(null);
        }

        if (choice != "custom")
        {
            return RateLimitPolicy.Preset(choice) is { } preset
                ? preset
                : Result<RateLimitPolicy?>.Fail(ErrorCodes.InvalidRateLimit, "Choose a rate limit: inherit, none, standard, premium or custom.");
        }

        if (Number(RequestsPerSecond) is not { } perSecond || Number(RequestsPerMinute) is not { } perMinute)
        {
            return Result<RateLimitPolicy?>.Fail(ErrorCodes.InvalidRateLimit, "A custom limit needs whole numbers of requests per second and per minute.");
        }

        var custom = RateLimitPolicy.Custom(perSecond, perMinute);
        return custom.IsSuccess ? custom.Value : custom.Error!;
    }

    // Digits only (long.Parse would take "+5" or " 5"); too many digits read as too large.
    private static long? Number(string? text)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value) || !value.All(char.IsAsciiDigit))
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : long.MaxValue;
    }
}
