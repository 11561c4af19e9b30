using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Stowage.Server.Hosting;
using Stowage.Server.Hosting.Keys;

namespace Stowage.Server.OAuth;

/// <summary>
/// The token signing key (ECDSA P-256, ES256) and the encryption key OpenIddict requires,
/// created once where the key material lives (see <see cref="IKeyMaterial"/>) and reused across restarts, so tokens
/// survive a restart and nodes that share the key material accept each other's tokens. Access
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

    /// <summary>Loads the keys from <paramref name="keys"/>, creating whichever is missing.</summary>
    /// <exception cref="StartupConfigurationException">A key exists but is not a key of the right kind.</exception>
    public static OAuthKeys LoadOrCreate(IKeyMaterial keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var pem = Encoding.UTF8.GetString(keys.ReadOrCreate(SigningKeyFileName, () =>
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return Encoding.UTF8.GetBytes(created.ExportPkcs8PrivateKeyPem());
        }));

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
            throw new StartupConfigurationException(keys.Setting, $"{keys.Describe(SigningKeyFileName)} is not an ECDSA P-256 private key in PEM form (remove it to have a new one made; issued tokens then stop working)", e);
        }

        var encoded = Encoding.ASCII.GetString(keys.ReadOrCreate(EncryptionKeyFileName, () => Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n")));
        var encryptionKey = new byte[32];
        if (!Convert.TryFromBase64String(encoded.Trim(), encryptionKey, out var length) || length != 32)
        {
            ecdsa.Dispose();
            throw new StartupConfigurationException(keys.Setting, $"{keys.Describe(EncryptionKeyFileName)} is not a base64 256-bit key (remove it to have a new one made)");
        }

        return new OAuthKeys(ecdsa, encryptionKey);
    }

    public void Dispose() => _ecdsa.Dispose();
}
