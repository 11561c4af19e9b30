using System.Security.Cryptography;
using System.Text;
using Stowage.Core.Security;

namespace Stowage.Server.Hosting.Keys;

/// <summary>
/// Key material in the shared database, each entry encrypted (AES-256-GCM, bound to its name)
/// with the master key every node reads from <c>Stowage:MasterKeyFile</c>. Nothing a client
/// depends on then lives on one node only: a token signed by one node verifies on every other,
/// and a console session survives being balanced elsewhere. A check entry, written by the
/// first node with its master key, lets a node with another key stop at start with one line
/// instead of failing later on each key.
/// </summary>
public sealed class SharedKeyMaterial : IKeyMaterial, IDisposable
{
    private const string CheckName = "master-key-check";
    private static readonly byte[] CheckText = "stowage master key"u8.ToArray();

    private readonly ISharedKeyRepository _repository;
    private readonly AesGcmProtector _master;

    /// <exception cref="StartupConfigurationException">The master key is not the one this database was set up with.</exception>
    public SharedKeyMaterial(ISharedKeyRepository repository, MasterKey masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        _repository = repository;
        _master = new AesGcmProtector(masterKey.Bytes, keyId: 1);
        var check = _repository.AddOrGet(CheckName, Wrap(CheckName, CheckText));
        try
        {
            _ = _master.Unprotect(check, Encoding.UTF8.GetBytes(CheckName));
        }
        catch (CryptographicException e)
        {
            _master.Dispose();
            throw new StartupConfigurationException(Setting, $"the master key '{masterKey.Path}' is not the one this database's keys were stored with (every node needs the same file)", e);
        }
    }

    public string Setting => MasterKey.Setting;

    /// <summary>
    /// <paramref name="entries"/> wrapped as this class stores them, with the check entry, for
    /// filling an empty database in one transaction (copy-data).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, byte[]>> WrapAll(MasterKey masterKey, IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        using var master = new AesGcmProtector(masterKey.Bytes, keyId: 1);
        return [.. entries.Append(new(CheckName, CheckText)).Select(e => new KeyValuePair<string, byte[]>(e.Key, master.Protect(e.Value, Encoding.UTF8.GetBytes(e.Key))))];
    }

    public string Describe(string name) => $"shared key '{name}' in the database";

    public byte[] ReadOrCreate(string name, Func<byte[]> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var stored = _repository.Get(name) ?? _repository.AddOrGet(name, Wrap(name, create()));
        return Unwrap(name, stored);
    }

    public IReadOnlyList<byte[]> ReadAll(string folder) =>
        [.. _repository.List(folder + "/").Select(entry => Unwrap(entry.Key, entry.Value))];

    public void Write(string name, byte[] contents) => _repository.Put(name, Wrap(name, contents));

    public void Dispose() => _master.Dispose();

    private byte[] Wrap(string name, byte[] contents) => _master.Protect(contents, Encoding.UTF8.GetBytes(name));

    private byte[] Unwrap(string name, byte[] wrapped)
    {
        try
        {
            return _master.Unprotect(wrapped, Encoding.UTF8.GetBytes(name));
        }
        catch (CryptographicException e)
        {
            throw new StartupConfigurationException(Setting, $"{Describe(name)} cannot be decrypted with the master key", e);
        }
    }
}
