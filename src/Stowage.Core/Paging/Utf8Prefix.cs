namespace Stowage.Core.Paging;

/// <summary>Byte-wise prefix ranges: every id starting with a prefix lies in [prefix, UpperBound(prefix)).</summary>
public static class Utf8Prefix
{
    /// <summary>The smallest byte string greater than every string that starts with <paramref name="prefix"/>, or null when none exists.</summary>
    public static byte[]? UpperBound(ReadOnlySpan<byte> prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] != 0xFF)
            {
                var bound = prefix[..(i + 1)].ToArray();
                bound[i]++;
                return bound;
            }
        }

        return null;
    }
}
