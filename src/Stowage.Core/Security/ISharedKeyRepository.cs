namespace Stowage.Core.Security;

/// <summary>
/// Key material stored in a database that several nodes share, always wrapped (encrypted) by
/// the caller: the repository stores and returns opaque bytes under a name. Every method
/// behaves as if it ran alone (serializable); methods are synchronous because they are called
/// while services are built at start-up.
/// </summary>
public interface ISharedKeyRepository
{
    /// <summary>
    /// Stores <paramref name="wrapped"/> under <paramref name="name"/> unless a value is stored
    /// there already, and returns the stored value: of two nodes racing to create a key, both
    /// get the first one's.
    /// </summary>
    byte[] AddOrGet(string name, byte[] wrapped);

    /// <summary>The value stored under <paramref name="name"/>, or null.</summary>
    byte[]? Get(string name);

    /// <summary>Every name starting with <paramref name="prefix"/> and its value, in ordinal name order.</summary>
    IReadOnlyList<KeyValuePair<string, byte[]>> List(string prefix);

    /// <summary>Stores <paramref name="wrapped"/> under <paramref name="name"/>, replacing what was there.</summary>
    void Put(string name, byte[] wrapped);
}
