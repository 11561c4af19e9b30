using System.Globalization;

namespace Stowage.Cli.Infrastructure;

/// <summary>Durations as people type them: <c>90</c> (seconds), <c>90s</c>, <c>15m</c>, <c>12h</c>, <c>30d</c>.</summary>
public static class Durations
{
    public static long ParseSeconds(string text, string optionName)
    {
        var trimmed = text.Trim();
        var unit = trimmed.Length > 0 && char.IsLetter(trimmed[^1]) ? char.ToLowerInvariant(trimmed[^1]) : 's';
        var number = char.IsLetter(trimmed.Length > 0 ? trimmed[^1] : '0') ? trimmed[..^1] : trimmed;
        var multiplier = unit switch
        {
            's' => 1L,
            'm' => 60L,
            'h' => 3600L,
            'd' => 86400L,
            _ => 0L,
        };
        if (multiplier == 0 || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > long.MaxValue / multiplier)
        {
            throw CliException.Usage($"{optionName} '{text}' is not a duration such as 3600, 90s, 15m, 12h or 30d.");
        }

        return value * multiplier;
    }

    public static string Format(long seconds) => seconds switch
    {
        _ when seconds % 86400 == 0 => (seconds / 86400).ToString(CultureInfo.InvariantCulture) + "d",
        _ when seconds % 3600 == 0 => (seconds / 3600).ToString(CultureInfo.InvariantCulture) + "h",
        _ when seconds % 60 == 0 => (seconds / 60).ToString(CultureInfo.InvariantCulture) + "m",
        _ => seconds.ToString(CultureInfo.InvariantCulture) + "s",
    };
}
