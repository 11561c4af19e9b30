using System.Net;
using Microsoft.AspNetCore.Hosting;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// The signing key is created once in the data directory: a restarted server publishes the
/// same JWKS, and tokens issued before the restart still work. (Without a public base URL the
/// issuer is the request's origin, and each test server listens on a new port, so the last
/// part sets one.)
/// </summary>
public sealed class KeyPersistenceTests
{
    [Fact]
    public async Task Restart_SameDataDirectory_SameJwksAndTokensStillValid()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "stowage-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string jwks;
            TestApp app;
            TenantIds root;
            using (var first = new DataDirectoryFactory(dataDirectory))
            {
                root = await first.RootAsync();
                app = await CreateAppAsync(first, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
                using var http = first.CreateClient();
                jwks = await http.GetStringAsync("/accounts/api/v2/oauth2/jwks");
                Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, await GetTokenAsync(http, app), root.OrgId, root.SandboxId));
            }

            var keyFile = Path.Combine(dataDirectory, "keys", "oauth-signing-es256.pem");
            if (!OperatingSystem.IsWindows() && !TestStorage.IsPostgres)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }

            using (var second = new DataDirectoryFactory(dataDirectory))
            {
                using var http = second.CreateClient();
                Assert.Equal(jwks, await http.GetStringAsync("/accounts/api/v2/oauth2/jwks"));
                var again = await GetTokenAsync(http, app);
                Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, again, root.OrgId, root.SandboxId));
            }

            string issued;
            using (var third = new DataDirectoryFactory(dataDirectory, publicBaseUrl: "http://stowage.test/"))
            {
                using var http = third.CreateClient();
                issued = await GetTokenAsync(http, app);
            }

            using (var fourth = new DataDirectoryFactory(dataDirectory, publicBaseUrl: "http://stowage.test/"))
            {
                using var http = fourth.CreateClient();
                Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, issued, root.OrgId, root.SandboxId));
            }

        }
        finally
        {
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A server on a given data directory, which it leaves in place when disposed.</summary>
    private sealed class DataDirectoryFactory : StowageFactory
    {
        private readonly string? _publicBaseUrl;

        public DataDirectoryFactory(string dataDirectory, string? publicBaseUrl = null)
            : base(dataDirectory: dataDirectory)
        {
            _publicBaseUrl = publicBaseUrl;
            KeepDataDirectory = true;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (_publicBaseUrl is not null)
            {
                builder.UseSetting("Stowage:PublicBaseUrl", _publicBaseUrl);
            }
        }
    }
}
