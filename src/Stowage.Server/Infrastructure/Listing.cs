using System.Globalization;
using Stowage.Core.Errors;

namespace Stowage.Server.Infrastructure;

/// <summary>offset/limit of the access-management lists ({data, total}).</summary>
public static class Listing
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 500;

    public static Result<(int Offset, int Limit)> Parse(IQueryCollection query)
    {
        var offset = Number(query, "offset", 0, int.MaxValue, 0);
        var limit = Number(query, "limit", 1, MaxLimit, DefaultLimit);
        return offset.IsSuccess && limit.IsSuccess ? (offset.Value, limit.Value) : (offset.Error ?? limit.Error)!;
    }

    private static Result<int> Number(IQueryCollection query, string name, int min, int max, int fallback)
    {
        var values = query[name];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return fallback;
        }

        // Digits only: int.TryParse tolerates trailing NUL characters even with NumberStyles.None.
        return values.Count == 1 && values[0]!.All(char.IsAsciiDigit) && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : Result<int>.Fail(ErrorCodes.InvalidQuery, $"{name} must be a whole number between {min} and {max}.");
    }
}
