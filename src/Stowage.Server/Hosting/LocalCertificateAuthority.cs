using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Stowage.Server.Hosting;

/// <summary>
/// The CA behind the server's default HTTPS certificate: clients trust ca.pem once, and the
/// server certificate can be reissued without them noticing.
/// </summary>
public static class LocalCertificateAuthority
{
    public const string CaCertificateFileName = "ca.pem";
    public const string CaKeyFileName = "ca.key";
    public const string ServerCertificateFileName = "server.pem";
    public const string ServerKeyFileName = "server.key";

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);

    // Apple platforms reject TLS server certificates valid for more than 825 days.
    private static readonly TimeSpan ServerLifetime = TimeSpan.FromDays(730);

    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    // Tolerates a client whose clock is a little behind the server's.
    private static readonly TimeSpan Backdate = TimeSpan.FromDays(1);

    /// <summary>
    /// Loads the server certificate from <paramref name="tlsDirectory"/>, creating the CA on
    /// first use and reissuing the server certificate when it is missing, unreadable, not from
    /// this CA or within 30 days of expiry. The result has a private key Kestrel can use.
    /// </summary>
    /// <exception cref="IOException">The files cannot be read or written.</exception>
    /// <exception cref="InvalidDataException">ca.key is missing while ca.pem exists: replacing
    /// a CA that clients may already trust must be the operator's decision.</exception>
    /// <exception cref="CryptographicException">ca.pem and ca.key are unreadable or do not match.</exception>
    public static X509Certificate2 LoadOrCreateServerCertificate(string tlsDirectory, TimeProvider time)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(tlsDirectory);
        }
        else
        {
            Directory.CreateDirectory(tlsDirectory, DataDirectory.OwnerOnlyFolder);
        }

        var now = time.GetUtcNow();

        using var ca = LoadOrCreateCa(tlsDirectory, now);
        var certificatePath = Path.Combine(tlsDirectory, ServerCertificateFileName);
        var keyPath = Path.Combine(tlsDirectory, ServerKeyFileName);

        var existing = TryLoad(certificatePath, keyPath);
        if (existing is not null && !IsUsable(existing, ca, now))
        {
            existing.Dispose();
            existing = null;
        }

        using var server = existing ?? IssueServerCertificate(ca, certificatePath, keyPath, now);
        OwnerOnlyFile.Restrict(keyPath);

        // A PEM-loaded key is ephemeral; a PKCS#12 round trip gives SslStream a key it can use.
        return X509CertificateLoader.LoadPkcs12(server.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 LoadOrCreateCa(string tlsDirectory, DateTimeOffset now)
    {
        var certificatePath = Path.Combine(tlsDirectory, CaCertificateFileName);
        var keyPath = Path.Combine(tlsDirectory, CaKeyFileName);
        var haveCertificate = File.Exists(certificatePath);
        var haveKey = File.Exists(keyPath);

        if (haveCertificate && haveKey)
        {
            var ca = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            OwnerOnlyFile.Restrict(keyPath);
            if (new DateTimeOffset(ca.NotAfter) > now)
            {
                return ca;
            }

            // An expired CA is trusted by nobody any more; a new one costs clients nothing extra.
            ca.Dispose();
        }
        else if (haveCertificate)
        {
            throw new InvalidDataException(
                $"{CaCertificateFileName} exists but {CaKeyFileName} does not; restore {CaKeyFileName}, or delete {CaCertificateFileName} to create a new local CA");
        }

        return CreateCa(certificatePath, keyPath, now);
    }

    private static X509Certificate2 CreateCa(string certificatePath, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Stowage Local CA, O=Stowage", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var subjectKeyId = new X509SubjectKeyIdentifierExtension(request.PublicKey, false);
        request.CertificateExtensions.Add(subjectKeyId);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyId));

        var ca = request.CreateSelfSigned(now - Backdate, now + CaLifetime);
        OwnerOnlyFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        WritePublic(certificatePath, ca.ExportCertificatePem() + "\n");
        return ca;
    }

    private static X509Certificate2 IssueServerCertificate(
        X509Certificate2 ca, string certificatePath, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build(false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));

        var notAfter = now + ServerLifetime;
        var caNotAfter = new DateTimeOffset(ca.NotAfter);
        using var issued = request.Create(ca, now - Backdate, notAfter < caNotAfter ? notAfter : caNotAfter, NewSerialNumber());

        OwnerOnlyFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        WritePublic(certificatePath, issued.ExportCertificatePem() + "\n");
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2? TryLoad(string certificatePath, string keyPath)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (CryptographicException)
        {
            // Unreadable or mismatched files are replaced, never trusted half-way.
            return null;
        }
    }

    private static bool IsUsable(X509Certificate2 server, X509Certificate2 ca, DateTimeOffset now)
    {
        if (new DateTimeOffset(server.NotAfter) - now < RenewBefore || new DateTimeOffset(server.NotBefore) > now)
        {
            return false;
        }

        // A server certificate from a replaced CA would not be trusted by clients holding ca.pem.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(server);
    }

    private static byte[] NewSerialNumber()
    {
        // Random serials keep issuer+serial unique across reissues (NSS refuses duplicates);
        // the cleared top bit keeps the DER integer positive.
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return serial;
    }

    // Not secret, but owner-only like every file under the data directory; clients get a copy of ca.pem.
    private static void WritePublic(string path, string contents) => OwnerOnlyFile.Write(path, contents);
}
