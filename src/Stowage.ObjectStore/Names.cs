using System.Text;
using Stowage.Core.Errors;

namespace Stowage.ObjectStore;

/// <summary>Validation of store ids, partition names and keys (the compat limits).</summary>
public static class Names
{
    public const int MaxStoreIdLength = 256;
    public const int MaxPartitionLength = 256;
    public const int MaxKeyBytes = 1024;

    public static Error? CheckStoreId(string storeId) =>
        IsValidName(storeId, MaxStoreIdLength)
            ? null
            : new Error(ErrorCodes.InvalidStoreId, $"A store id must be 1 to {MaxStoreIdLength} characters, not blank, without control characters.");

    public static Error? CheckPartition(string partition) =>
        IsValidName(partition, MaxPartitionLength)
            ? null
            : new Error(ErrorCodes.InvalidPartition, $"A partition name must be 1 to {MaxPartitionLength} characters, not blank, without control characters.");

    public static Error? CheckKey(string key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return new Error(ErrorCodes.InvalidKey, "A key must not be empty or blank.");
        }

        if (key.Contains('|', StringComparison.Ordinal))
        {
            return new Error(ErrorCodes.InvalidKey, "A key must not contain '|'.");
        }

        if (!IsWellFormed(key))
        {
            return new Error(ErrorCodes.InvalidKey, "A key must be valid UTF-8 text without control characters.");
        }

        return Encoding.UTF8.GetByteCount(key) > MaxKeyBytes
            ? new Error(ErrorCodes.InvalidKey, $"A key must be at most {MaxKeyBytes} bytes of UTF-8.")
            : null;
    }

    private static bool IsValidName(string name, int maxLength) =>
        !string.IsNullOrWhiteSpace(name)
        && name.Length <= maxLength * 2
        && IsWellFormed(name)
        && name.EnumerateRunes().Count() <= maxLength;

    // Lone surrogates cannot be stored as UTF-8, and control characters cannot be
    // printed or typed back by a user: both are refused rather than silently mangled.
    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
