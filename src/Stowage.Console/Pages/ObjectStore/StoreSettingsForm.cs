using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Stowage.Core.Errors;
using Stowage.ObjectStore;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>
/// The store settings form (create and edit): TTLs as a number and a unit, the expiry mode,
/// and the two flags. Unlike the API, which clamps out-of-range TTLs silently for
/// compatibility, the console refuses them: a person typing 90 days should learn the limit.
/// </summary>
public sealed class StoreSettingsForm
{
    [FromForm(Name = "ttl")]
    public string? Ttl { get; set; }

    [FromForm(Name = "ttlUnit")]
    public string? TtlUnit { get; set; }

    [FromForm(Name = "expiry")]
    public string? Expiry { get; set; }

    [FromForm(Name = "confirmationTtl")]
    public string? ConfirmationTtl { get; set; }

    [FromForm(Name = "confirmationTtlUnit")]
    public string? ConfirmationTtlUnit { get; set; }

    [FromForm(Name = "encrypted")]
    public bool Encrypted { get; set; }

    [FromForm(Name = "persistent")]
    public bool Persistent { get; set; }

    /// <summary>The units offered, largest first, with their size in seconds.</summary>
    public static IReadOnlyList<(string Value, string Label, long Seconds)> Units { get; } =
        [("days", "days", 86_400), ("hours", "hours", 3_600), ("minutes", "minutes", 60), ("seconds", "seconds", 1)];

    /// <summary>A TTL in seconds as the largest unit that divides it: 2 592 000 → (30, "days").</summary>
    public static (long Amount, string Unit) Split(long seconds)
    {
        foreach (var (value, _, size) in Units)
        {
            if (seconds >= size && seconds % size == 0)
            {
                return (seconds / size, value);
            }
        }

        return (seconds, "seconds");
    }

    public Result<StoreSettings> ToSettings()
    {
        var ttl = Seconds(Ttl, TtlUnit, "Default TTL");
        if (!ttl.IsSuccess)
        {
            return ttl.Error!;
        }

        var confirmation = Seconds(ConfirmationTtl, ConfirmationTtlUnit, "Confirmation TTL");
        if (!confirmation.IsSuccess)
        {
            return confirmation.Error!;
        }

        if (Expiry is not ("rolling" or "static"))
        {
            return new Error(ErrorCodes.InvalidStoreSettings, "Choose how keys expire: rolling or static.");
        }

        return new StoreSettings(ttl.Value, confirmation.Value, Expiry == "static", Persistent, Encrypted);
    }

    private static Result<long> Seconds(string? amount, string? unit, string label)
    {
        var size = Units.FirstOrDefault(u => u.Value == unit).Seconds;
        if (size == 0)
        {
            return new Error(ErrorCodes.InvalidStoreSettings, $"Choose the unit of the {label}.");
        }

        if (!long.TryParse(amount?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || count > TtlPolicy.MaxTtlSeconds / size)
        {
            return new Error(ErrorCodes.InvalidStoreSettings, $"{label} must be a whole number from 1 second to 30 days.");
        }

        return count * size;
    }
}
