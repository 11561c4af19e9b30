using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Stowage.Server.Hosting;

public static class StowageHosting
{
    public const string DefaultHttpUrl = "http://127.0.0.1:8080";
    public const string DefaultHttpsUrl = "https://127.0.0.1:8443";

    /// <summary>
    /// Reads and validates the "Stowage" section, creates (or tightens) the data directory, registers the
    /// options as a singleton and sets up Kestrel's listeners, certificate and limits.
    /// </summary>
    /// <exception cref="StartupConfigurationException">A bad setting, or an unusable data directory.</exception>
    public static StowageOptions AddStowageHosting(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var options = StowageOptions.Load(configuration, Directory.GetCurrentDirectory());
        DataDirectory.Prepare(options.DataDirectory);
        builder.Services.AddSingleton(options);

        var certificate = new Lazy<X509Certificate2>(() => LoadCertificate(options));
        if (options.Https.Enabled)
        {
            // Up front so a broken tls/ directory is reported like any bad setting, and
            // ca.pem exists for clients before the first request.
            _ = certificate.Value;
        }

        if (!HasUserListeners(configuration))
        {
            // Through "urls" rather than Listen() so the default HTTPS listener takes its
            // certificate the same way as a user's --urls one.
            builder.WebHost.UseUrls(options.Https.Enabled
                ? $"{DefaultHttpUrl};{DefaultHttpsUrl}"
                : DefaultHttpUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // The outer fence only: endpoints enforce tighter limits with proper JSON errors.
            kestrel.Limits.MaxRequestLineSize = 64 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 1024 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 500;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            // HTTP/2 carries the request line in a header field, so give it the same room.
            kestrel.Limits.Http2.MaxRequestHeaderFieldSize = 64 * 1024;

            kestrel.ConfigureHttpsDefaults(https =>
            {
                // Runs before Kestrel applies an endpoint's own certificate, so this only fills
                // the gap that would otherwise fall back to the ASP.NET development certificate.
                if (https.ServerCertificate is null
                    && https.ServerCertificateSelector is null
                    && !configuration.GetSection("Kestrel:Certificates:Default").Exists())
                {
                    https.ServerCertificate = certificate.Value;
                }
            });
        });

        return options;
    }

    /// <summary>Prints where the server listens and keeps its data, and a generated admin password once.</summary>
    public static void PrintStartupBanner(
        StowageOptions o, IEnumerable<string> addresses, string? generatedAdminPassword, TextWriter w)
    {
        var listening = addresses.ToList();
        w.WriteLine("Stowage is listening on:");
        foreach (var address in listening)
        {
            w.WriteLine($"  {address}");
        }

        w.WriteLine($"Data directory: {o.DataDirectory} (storage: {o.Storage.Provider.ToString().ToLowerInvariant()})");

        var caPath = Path.Combine(o.TlsDirectory, LocalCertificateAuthority.CaCertificateFileName);
        if (listening.Any(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase)) && File.Exists(caPath))
        {
            w.WriteLine($"Local CA for HTTPS clients: {caPath} (e.g. curl --cacert {caPath})");
        }

        if (generatedAdminPassword is not null)
        {
            w.WriteLine($"Administrator: {o.Admin.Username}");
            w.WriteLine($"Password:      {generatedAdminPassword}");
            w.WriteLine(File.Exists(o.AdminPasswordPath)
                ? $"  (generated; shown only this once and written to {o.AdminPasswordPath})"
                : $"  (generated; shown only this once and could NOT be written to {o.AdminPasswordPath}: store it now)");
        }

        w.Flush();
    }

    // Any of these means the user chose the listeners, and Kestrel would warn that code
    // overrides them; so the defaults apply only when none is set.
    internal static bool HasUserListeners(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["urls"])
        || !string.IsNullOrWhiteSpace(configuration["http_ports"])
        || !string.IsNullOrWhiteSpace(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    private static X509Certificate2 LoadCertificate(StowageOptions options)
    {
        try
        {
            return LocalCertificateAuthority.LoadOrCreateServerCertificate(options.TlsDirectory, TimeProvider.System);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or CryptographicException)
        {
            throw new StartupConfigurationException(
                $"{StowageOptions.SectionName}:DataDirectory", $"local CA in '{options.TlsDirectory}' is unusable: {e.Message}", e);
        }
    }
}
