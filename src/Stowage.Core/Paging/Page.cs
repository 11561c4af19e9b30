namespace Stowage.Core.Paging;

/// <summary>One page of a keyset listing; <see cref="NextAfter"/> is the last id returned when more follow.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextAfter);

/// <summary>
/// A keyset page request: ids strictly after <see cref="After"/>, starting with
/// <see cref="Prefix"/>, at most <see cref="Limit"/> of them, in ordinal UTF-8 order.
/// </summary>
public sealed record PageRequest(string? Prefix, string? After, int Limit)
{
    public const int DefaultSize = 25;
    public const int MaxSize = 1000;
}
