using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using Stowage.Server.Hosting;
using Xunit;

namespace Stowage.Server.Tests.Hosting;

public sealed class LocalCertificateAuthorityTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _tls = Path.Combine(Path.GetTempPath(), "stowage-tls-" + Guid.NewGuid().ToString("N"), "tls");
    private readonly FixedTime _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_tls)!, recursive: true);

    [Fact]
    public void LoadOrCreateServerCertificate_FirstCall_WritesCaAndServerFiles()
    {
        using var server = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);

        Assert.True(server.HasPrivateKey);
        Assert.Equal(
            ["ca.key", "ca.pem", "server.key", "server.pem"],
            Directory.GetFiles(_tls).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(server.Thumbprint, LoadPem("server.pem").Thumbprint);
    }

    [Fact]
    public void LoadOrCreateServerCertificate_SecondCall_ReusesCaAndServerCertificate()
    {
        using var first = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);
        var caThumbprint = LoadPem("ca.pem").Thumbprint;

        using var second = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);

        Assert.Equal(caThumbprint, LoadPem("ca.pem").Thumbprint);
        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.True(second.HasPrivateKey);
    }

    [Theory]
    [InlineData("ca.key")]
    [InlineData("server.key")]
    [UnsupportedOSPlatform("windows")]
    public void LoadOrCreateServerCertificate_FirstCall_KeyFileHasMode0600(string file)
    {
        using var server = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);

        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(_tls, file)));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void LoadOrCreateServerCertificate_KeyFileWidened_RestoresMode0600()
    {
        using var first = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);
        var caKey = Path.Combine(_tls, "ca.key");
        File.SetUnixFileMode(caKey, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var second = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);

        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(caKey));
    }

    [Fact]
    public void LoadOrCreateServerCertificate_FirstCall_ServerCertificateChainsToCaPem()
    {
        using var server = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);
        using var ca = LoadPem("ca.pem");

        using var chain = TrustingOnly(ca);

        Assert.True(chain.Build(server), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(2, chain.ChainElements.Count);
        Assert.Equal(ca.Thumbprint, chain.ChainElements[1].Certificate.Thumbprint);
    }

    [Fact]
    public void LoadOrCreateServerCertificate_FirstCall_CaIsSelfSignedCaForTenYears()
    {
        using var server = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);
        using var ca = LoadPem("ca.pem");

        var constraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        Assert.Equal(ca.Subject, ca.Issuer);
        // Backdated one day for clock skew, then ten years.
        Assert.Equal(TimeSpan.FromDays(3651), ca.NotAfter - ca.NotBefore);
    }

    [Fact]
    public void LoadOrCreateServerCertificate_FirstCall_ServerCertificateCoversLocalhostAndLoopback()
    {
        using var server = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);

        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], names.EnumerateIPAddresses());
        var usages = server.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Equal(["1.3.6.1.5.5.7.3.1"], usages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        Assert.False(server.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(TimeSpan.FromDays(731), server.NotAfter - server.NotBefore);
    }

    [Fact]
    public void LoadOrCreateServerCertificate_ServerCertificateWithin30DaysOfExpiry_ReissuesFromSameCa()
    {
        using var first = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);
        var caThumbprint = LoadPem("ca.pem").Thumbprint;
        var later = new FixedTime(new DateTimeOffset(first.NotAfter) - TimeSpan.FromDays(29));

        using var second = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, later);

        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
        Assert.Equal(caThumbprint, LoadPem("ca.pem").Thumbprint);
        Assert.Equal(second.Thumbprint, LoadPem("server.pem").Thumbprint);
        Assert.True(new DateTimeOffset(second.NotAfter) > new DateTimeOffset(first.NotAfter));
    }

    [Fact]
    public void LoadOrCreateServerCertificate_ServerCertificateMoreThan30DaysFromExpiry_KeepsIt()
    {
        using var first = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);
        var later = new FixedTime(new DateTimeOffset(first.NotAfter) - TimeSpan.FromDays(31));

        using var second = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, later);

        Assert.Equal(first.Thumbprint, second.Thumbprint);
    }

    [Fact]
    public void LoadOrCreateServerCertificate_ServerFilesMissing_ReissuesFromSameCa()
    {
        using var first = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);
        var caThumbprint = LoadPem("ca.pem").Thumbprint;
        File.Delete(Path.Combine(_tls, "server.pem"));

        using var second = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);
        using var ca = LoadPem("ca.pem");
        using var chain = TrustingOnly(ca);

        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
        Assert.Equal(caThumbprint, ca.Thumbprint);
        Assert.True(chain.Build(second));
    }

    [Fact]
    public void LoadOrCreateServerCertificate_CaKeyMissing_ThrowsWithoutReplacingCa()
    {
        using var first = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);
        var caThumbprint = LoadPem("ca.pem").Thumbprint;
        File.Delete(Path.Combine(_tls, "ca.key"));

        var error = Assert.Throws<InvalidDataException>(() => LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time));

        Assert.Equal("ca.pem exists but ca.key does not; restore ca.key, or delete ca.pem to create a new local CA", error.Message);
        Assert.Equal(caThumbprint, LoadPem("ca.pem").Thumbprint);
    }

    [Fact]
    public async Task LoadOrCreateServerCertificate_ReturnedCertificate_CompletesTlsHandshakeTrustedThroughCaPem()
    {
        using var server = LocalCertificateAuthority.LoadOrCreateServerCertificate(_tls, _time);
        using var ca = LoadPem("ca.pem");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();
        await using var serverStream = new SslStream(accepted.GetStream());
        await using var clientStream = new SslStream(client.GetStream());
        var clientOptions = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { ca },
                RevocationMode = X509RevocationMode.NoCheck,
            },
        };

        await Task.WhenAll(
            serverStream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = server }),
            clientStream.AuthenticateAsClientAsync(clientOptions));

        Assert.True(clientStream.IsAuthenticated);
        Assert.Equal(server.Thumbprint, clientStream.RemoteCertificate!.GetCertHashString());
    }

    private X509Certificate2 LoadPem(string file) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_tls, file)));

    private static X509Chain TrustingOnly(X509Certificate2 ca)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
