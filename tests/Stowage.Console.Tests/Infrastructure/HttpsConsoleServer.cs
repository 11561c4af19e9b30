using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Console.Tests.Infrastructure;

/// <summary>
/// A real server listening on HTTPS only (loopback), with the certificate of its own local CA,
/// for what the console does differently over HTTPS (cookie names and flags).
/// </summary>
public sealed class HttpsConsoleServer : IDisposable
{
    private readonly Factory _factory = new();

    public HttpsConsoleServer()
    {
        using var client = _factory.CreateClient();
        BaseUrl = client.BaseAddress!.ToString().TrimEnd('/');
        if (!BaseUrl.StartsWith("https://", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The server listens on {BaseUrl}, not HTTPS.");
        }
    }

    /// <summary>The server's address, e.g. <c>https://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>A handler that trusts exactly the server's local CA, as a client given <c>ca.pem</c> would.</summary>
    public HttpClientHandler TrustingHandler()
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_factory.DataDirectory, "tls", "ca.pem"));
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
    }

    public void Dispose() => _factory.Dispose();

    /// <summary>
    /// Like <see cref="StowageFactory"/>, but Kestrel binds the configured https URL: a port given
    /// to <c>UseKestrel(int)</c> would replace it with a plain-HTTP one.
    /// </summary>
    private sealed class Factory : WebApplicationFactory<Program>
    {
        public Factory() => UseKestrel();

        public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "stowage-tests", Guid.NewGuid().ToString("N"));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("urls", "https://127.0.0.1:0");
            builder.UseSetting("Stowage:DataDirectory", DataDirectory);
            builder.UseSetting("Stowage:Admin:Password", StowageFactory.AdminPassword);
            builder.UseSetting("Stowage:Https:Enabled", "false");
            builder.UseSetting("Stowage:Durability", "process");
            builder.UseSetting(StowageFactory.PasswordIterationsKey, StowageFactory.TestPasswordIterations.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the OS temp cleaner takes what is left.
            }
        }
    }
}
