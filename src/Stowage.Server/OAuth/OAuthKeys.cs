using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Stowage.Server.Hosting;

namespace Stowage.Server.OAuth;

/// <summary>
/// The token signing key (ECDSA P-256, ES256) and the encryption key OpenIddict requires,
/// created once in &lt;data&gt;/keys/ (owner-only files) and reused across restarts, so tokens
/// survive a restart and nodes that share the key folder accept each other's tokens. Access
/// tokens are signed, not encrypted: every node validates them locally with the public key.
/// </summary>
public sealed class OAuthKeys : IDisposable
{
    public const string SigningKeyFileName = "oauth-signing-es256.pem";
    public const string EncryptionKeyFileName = "oauth-encryption.key";

    private readonly ECDsa _ecdsa;

    private OAuthKeys(ECDsa ecdsa, byte[] encryptionKey)
    {
        _ecdsa = ecdsa;

        // Its own provider factory: the shared default caches signature providers by key id,
        // and a second host in the process (tests, a restart in place) with the same key id
        // would otherwise be handed a provider over this instance's disposed ECDsa.
        SigningKey = new ECDsaSecurityKey(ecdsa) { CryptoProviderFactory = new CryptoProviderFactory() };

        // The RFC 7638 thumbprint: the same key always gets the same "kid", on every node.
        SigningKey.KeyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ecdsa)).ComputeJwkThumbprint());
        EncryptionKey = new SymmetricSecurityKey(encryptionKey);
    }

    public ECDsaSecurityKey SigningKey { get; }

    public SymmetricSecurityKey EncryptionKey { get; }

    /// <summary>Loads the keys from <paramref name="keysDirectory"/>, creating whichever is missing.</summary>
    /// <exception cref="StartupConfigurationException">A key file exists but is not a key of the right kind.</exception>
    public static OAuthKeys LoadOrCreate(string keysDirectory)
    {
        CreateDirectory(keysDirectory);
        var signingPath = Path.Combine(keysDirectory, SigningKeyFileName);
        var pem = KeyFile.ReadOrCreate(signingPath, () =>
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return created.ExportPkcs8PrivateKeyPem();
        });

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            if (ecdsa.KeySize != 256 || ecdsa.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new CryptographicException("not a P-256 key");
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            ecdsa.Dispose();
            throw new StartupConfigurationException(signingPath, "is not an ECDSA P-256 private key in PEM form (remove it to have a new one made; issued tokens then stop working)", e);
        }

        var encryptionPath = Path.Combine(keysDirectory, EncryptionKeyFileName);
        var encoded = KeyFile.ReadOrCreate(encryptionPath, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
        var encryptionKey = new byte[32];
        if (!Convert.TryFromBase64String(encoded.Trim(), encryptionKey, out var length) || length != 32)
        {
            ecdsa.Dispose();
            throw new StartupConfigurationException(encryptionPath, "is not a base64 256-bit key (remove it to have a new one made)");
        }

        return new OAuthKeys(ecdsa, encryptionKey);
    }

    public void Dispose() => _ecdsa.Dispose();

    private static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}

/// <summary>A key file created exactly once, even when several nodes start at the same moment.</summary>
internal static class KeyFile
{
    public static string ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path))
        {
            OwnerOnlyFile.Restrict(path);
            return File.ReadAllText(path);
        }

        // Written whole to a private temporary file (0600 from creation), then linked into
        // place without overwriting: of two nodes racing, one wins and both use its key.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var contents = create();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(contents);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
                return contents;
            }
            catch (IOException) when (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
