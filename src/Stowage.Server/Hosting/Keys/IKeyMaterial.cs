namespace Stowage.Server.Hosting.Keys;

/// <summary>
/// Where the key material lives that every node serving one database must share (the data
/// key, the token signing and encryption keys, the console's data-protection keys): files
/// under <c>&lt;DataDirectory&gt;/keys</c> with the embedded provider
/// (<see cref="FileKeyMaterial"/>), the database itself, wrapped with the master key, with
/// PostgreSQL (<see cref="SharedKeyMaterial"/>). Names are relative paths such as
/// <c>data.key</c> or <c>console/key-….xml</c>.
/// </summary>
public interface IKeyMaterial
{
    /// <summary>
    /// The bytes stored under <paramref name="name"/>, created by <paramref name="create"/>
    /// when absent. Of two nodes creating the same key at once, both get the first one stored.
    /// </summary>
    /// <exception cref="StartupConfigurationException">The material exists but cannot be read.</exception>
    byte[] ReadOrCreate(string name, Func<byte[]> create);

    /// <summary>Every entry whose name starts with <paramref name="folder"/> + "/", in ordinal name order.</summary>
    IReadOnlyList<byte[]> ReadAll(string folder);

    /// <summary>Stores <paramref name="contents"/> under <paramref name="name"/>, replacing what was there.</summary>
    void Write(string name, byte[] contents);

    /// <summary>Where <paramref name="name"/> lives, for start-up errors (never its contents).</summary>
    string Describe(string name);

    /// <summary>The setting to name in a start-up error about the material.</summary>
    string Setting { get; }
}
