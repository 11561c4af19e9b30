using System.Text;
using Stowage.Core.Errors;

namespace Stowage.Access.Directory;

/// <summary>Names of organizations, environments and connected apps, and usernames.</summary>
public static class NameRules
{
    public const int MaxNameLength = 255;
    public const int MinUsernameLength = 3;
    public const int MaxUsernameLength = 128;

    /// <summary>
    /// The name with surrounding whitespace removed, or an error when it is then empty, longer
    /// than <see cref="MaxNameLength"/> characters (code points) or holds control characters.
    /// </summary>
    public static Result<string> Name(string? value, string member)
    {
        var name = value?.Trim() ?? string.Empty;
        if (name.Length == 0)
        {
            return Result<string>.Fail(ErrorCodes.InvalidName, $"{member} must not be empty or blank.");
        }

        if (name.Length > MaxNameLength * 2 || name.EnumerateRunes().Count() > MaxNameLength)
        {
            return Result<string>.Fail(ErrorCodes.InvalidName, $"{member} must be at most {MaxNameLength} characters.");
        }

        return HasControlCharacters(name)
            ? Result<string>.Fail(ErrorCodes.InvalidName, $"{member} must not contain control characters.")
            : name;
    }

    /// <summary>3 to 128 of letters, digits and <c>. _ @ + -</c>: usable in a login form and in a URL.</summary>
    public static Result<string> Username(string? value)
    {
        var username = value ?? string.Empty;
        var valid = username.Length is >= MinUsernameLength and <= MaxUsernameLength
            && username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '@' or '+' or '-');
        return valid
            ? username
            : Result<string>.Fail(ErrorCodes.InvalidName, $"username must be {MinUsernameLength} to {MaxUsernameLength} characters of letters, digits and . _ @ + -.");
    }

    /// <summary>Free text such as a first name: at most 255 characters, no control characters; null stays empty.</summary>
    public static Result<string> Text(string? value, string member)
    {
        var text = value ?? string.Empty;
        if (text.Length > MaxNameLength || HasControlCharacters(text))
        {
            return Result<string>.Fail(ErrorCodes.InvalidRequest, $"{member} must be at most {MaxNameLength} characters without control characters.");
        }

        return text;
    }

    /// <summary>Control characters (C0, DEL, C1) or lone surrogates, which cannot be stored as UTF-8.</summary>
    public static bool HasControlCharacters(string text) => !IsWellFormed(text) || text.EnumerateRunes().Any(Rune.IsControl);

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
