namespace Stowage.Reliability.Tests.Fuzzing;

/// <summary>A value as the server must hand it back: its type and its JSON member's exact text.</summary>
internal sealed record ModelValue(string ValueType, string Member, string Json)
{
    public string Body => $"{{\"valueType\":\"{ValueType}\",\"{Member}\":{Json}}}";
}

/// <summary>
/// What one environment must hold after every request of a sequence: stores, their
/// partitions (which outlive being emptied) and keys with their values.
/// </summary>
internal sealed class StoreModel
{
    public SortedDictionary<string, SortedDictionary<string, SortedDictionary<string, ModelValue>>> Stores { get; } = new(Utf8Order.Instance);

    public bool HasStore(string store) => Stores.ContainsKey(store);

    public SortedDictionary<string, SortedDictionary<string, ModelValue>>? Partitions(string store) =>
        Stores.GetValueOrDefault(store);

    public SortedDictionary<string, ModelValue>? Keys(string store, string partition) =>
        Partitions(store)?.GetValueOrDefault(partition);

    public ModelValue? Value(string store, string partition, string key) =>
        Keys(store, partition)?.GetValueOrDefault(key);

    /// <summary>Writes a key; true when it was created rather than overwritten.</summary>
    public bool Put(string store, string partition, string key, ModelValue value)
    {
        var partitions = Stores[store];
        if (!partitions.TryGetValue(partition, out var keys))
        {
            keys = new SortedDictionary<string, ModelValue>(Utf8Order.Instance);
            partitions[partition] = keys;
        }

        var created = !keys.ContainsKey(key);
        keys[key] = value;
        return created;
    }
}

/// <summary>The server's listing order: ascending byte-wise UTF-8.</summary>
internal sealed class Utf8Order : IComparer<string>
{
    public static readonly Utf8Order Instance = new();

    public int Compare(string? x, string? y) =>
        System.Text.Encoding.UTF8.GetBytes(x ?? string.Empty).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(y ?? string.Empty));
}
