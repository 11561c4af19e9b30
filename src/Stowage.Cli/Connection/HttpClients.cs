using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Stowage.Cli.Infrastructure;

namespace Stowage.Cli.Connection;

/// <summary>The one HTTP stack of the CLI: connection pooling, an optional private CA, retries.</summary>
public static class HttpClients
{
    public static HttpClient Create(Uri baseAddress, string? caFile)
    {
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            MaxConnectionsPerServer = 64,
        };
        if (caFile is not null)
        {
            var authorities = LoadAuthorities(caFile);
            sockets.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, authorities),
            };
        }

        return new HttpClient(new RetryHandler(sockets), disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public static Uri ParseUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.Usage($"'{url}' is not an http:// or https:// URL.");
        }

        return uri;
    }

    private static X509Certificate2Collection LoadAuthorities(string caFile)
    {
        if (!File.Exists(caFile))
        {
            throw CliException.Usage($"The CA file '{caFile}' does not exist.");
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(caFile);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw CliException.Usage($"The CA file '{caFile}' holds no PEM certificate ({e.Message}).");
        }

        return collection.Count > 0 ? collection : throw CliException.Usage($"The CA file '{caFile}' holds no PEM certificate.");
    }

    /// <summary>Accepts the server when the system trusts it, or when it chains to one of the given authorities.</summary>
    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
