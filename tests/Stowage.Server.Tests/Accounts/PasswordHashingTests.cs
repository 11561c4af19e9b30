using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// <c>Stowage:Passwords:Iterations</c>: the production default, the startup warning below it,
/// and hashes made under one count still signing in under another.
/// </summary>
public sealed class PasswordHashingTests
{
    [Fact]
    public async Task SettingUnset_AdminHashUsesTheRecommendedCount_AndNoWarning()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new TraceLoggingFactory(logs);
        factory.Settings.Remove(StowageFactory.PasswordIterationsKey);

        Assert.Equal(PasswordHasher.RecommendedIterations, factory.Services.GetRequiredService<PasswordHasher>().Iterations);
        Assert.StartsWith("pbkdf2-sha256$600000$", await AdminHashAsync(factory), StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("Stowage:Passwords:Iterations", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CountBelowTheRecommended_WarnsAtStartup()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new TraceLoggingFactory(logs);

        Assert.StartsWith("pbkdf2-sha256$1000$", await AdminHashAsync(factory), StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Contains(" Warning Stowage:Passwords:Iterations is 1000, below the recommended 600000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CountChanged_OldHashesStillSignIn_NewOnesUseTheNewCount()
    {
        string dataDirectory;
        using (var before = new StowageFactory { KeepDataDirectory = true, Settings = { [StowageFactory.PasswordIterationsKey] = "2000" } })
        {
            dataDirectory = before.DataDirectory;
            Assert.StartsWith("pbkdf2-sha256$2000$", await AdminHashAsync(before), StringComparison.Ordinal);
        }

        using var after = new StowageFactory(dataDirectory: dataDirectory);
        Assert.False(string.IsNullOrEmpty(await after.LoginAsync()));
        using var http = after.CreateClient();
        using (var wrong = await http.PostAsJsonAsync("/accounts/login", new { username = "admin", password = "not-the-password" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var (_, _) = await after.CreateGroupWithAdminAsync("Later");
        var user = await after.Services.GetRequiredService<IUserRepository>().FindByUsernameAsync("admin-later", CancellationToken.None);
        Assert.StartsWith("pbkdf2-sha256$1000$", user!.PasswordHash, StringComparison.Ordinal);
    }

    private static async Task<string> AdminHashAsync(StowageFactory factory)
    {
        using var _ = factory.CreateClient();
        var admin = await factory.Services.GetRequiredService<IUserRepository>().FindByUsernameAsync("admin", CancellationToken.None);
        return admin!.PasswordHash;
    }
}
