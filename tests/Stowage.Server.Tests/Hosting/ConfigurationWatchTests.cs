using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Server.Tests.Infrastructure;
using Xunit;

namespace Stowage.Server.Tests.Hosting;

/// <summary>
/// Settings are read once at start (configuration.md), so no configuration file is watched:
/// ASP.NET Core's default watcher covers the content root and every directory under it, the
/// default data directory included, and would wake up for every write of the database.
/// </summary>
public sealed class ConfigurationWatchTests
{
    [Fact]
    public void AppSettingsFiles_AreReadButNotWatched()
    {
        using var factory = new StowageFactory();
        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<FileConfigurationProvider>().ToList();

        Assert.Contains(files, f => f.Source.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched for changes"));
    }
}
