using System.Buffers.Text;
using System.Text;
using Stowage.Core.Errors;

namespace Stowage.Core.Paging;

/// <summary>
/// Opaque paging tokens. A token names the last id of the previous page (keyset paging),
/// so fetching a deep page costs what the first page costs. The token is versioned and
/// tagged with the listing kind so a token from one listing is rejected by another.
/// </summary>
public static class PageToken
{
    private const byte Version = 1;

    public static string Encode(char kind, string lastId)
    {
        var idBytes = Encoding.UTF8.GetBytes(lastId);
        var raw = new byte[idBytes.Length + 2];
        raw[0] = Version;
        raw[1] = (byte)kind;
        idBytes.CopyTo(raw, 2);
        return Base64Url.EncodeToString(raw);
    }

    public static Result<string?> Decode(char kind, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Result<string?>.Ok(null);
        }

        if (token.Length > 8192 || !Base64Url.IsValid(token))
        {
            return Invalid();
        }

        var raw = Base64Url.DecodeFromChars(token);
        if (raw.Length < 3 || raw[0] != Version || raw[1] != (byte)kind)
        {
            return Invalid();
        }

        try
        {
            var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
            return Result<string?>.Ok(strict.GetString(raw, 2, raw.Length - 2));
        }
        catch (DecoderFallbackException)
        {
            return Invalid();
        }
    }

    /// <summary>Parses <c>pageSize</c>: absent means the default, otherwise 1…1000.</summary>
    public static Result<int> ParseSize(string? pageSize)
    {
        if (string.IsNullOrEmpty(pageSize))
        {
            return PageRequest.DefaultSize;
        }

        // Digits only: int.TryParse tolerates trailing NUL characters even with NumberStyles.None.
        if (!pageSize.All(char.IsAsciiDigit)
            || !int.TryParse(pageSize, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size)
            || size < 1 || size > PageRequest.MaxSize)
        {
            return Result<int>.Fail(ErrorCodes.InvalidPageSize, $"pageSize must be an integer between 1 and {PageRequest.MaxSize}.");
        }

        return size;
    }

    private static Result<string?> Invalid() =>
        Result<string?>.Fail(ErrorCodes.InvalidPageToken, "nextPageToken is not a token this listing issued.");
}
