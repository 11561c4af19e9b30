using Microsoft.Extensions.Configuration;
using Stowage.Server.Hosting;
using Xunit;

namespace Stowage.Server.Tests.Hosting;

public sealed class StowageOptionsTests
{
    private const string CurrentDirectory = "/srv/stowage";

    [Fact]
    public void Load_NothingConfigured_UsesDocumentedDefaults()
    {
        var options = Load();

        Assert.Equal("/srv/stowage/data", options.DataDirectory);
        Assert.Equal("/srv/stowage/data/tls", options.TlsDirectory);
        Assert.Equal("/srv/stowage/data/admin-password", options.AdminPasswordPath);
        Assert.Equal(StorageProvider.Sqlite, options.Storage.Provider);
        Assert.Null(options.Storage.ConnectionString);
        Assert.Equal("admin", options.Admin.Username);
        Assert.Null(options.Admin.Password);
        Assert.Equal("Stowage", options.RootOrganization.Name);
        Assert.Equal("local", options.Region.Id);
        Assert.Equal("Local", options.Region.Name);
        Assert.Null(options.PublicBaseUrl);
        Assert.True(options.Https.Enabled);
        Assert.Equal(DurabilityMode.Fsync, options.Durability);
        Assert.Equal(3600, options.Tokens.LifetimeSeconds);
        Assert.Equal(60, options.Throttle.WindowSeconds);
        Assert.Equal(20, options.Throttle.ClientIdLimit);
        Assert.Equal(20, options.Throttle.UsernameLimit);
        Assert.Equal(100, options.Throttle.AddressLimit);
        Assert.Equal(2, options.MeteringFlushIntervalSeconds);
        Assert.Equal(365, options.Audit.RetentionDays);
        Assert.Equal(5, options.Memory.TrimIntervalSeconds);
    }

    [Theory]
    [InlineData("store", "/srv/stowage/store")]
    [InlineData("../elsewhere/data", "/srv/elsewhere/data")]
    [InlineData("/var/lib/stowage", "/var/lib/stowage")]
    public void Load_DataDirectory_ResolvesAgainstCurrentDirectory(string configured, string expected)
    {
        var options = Load(("Stowage:DataDirectory", configured));

        Assert.Equal(expected, options.DataDirectory);
    }

    [Fact]
    public void Load_EverySettingGiven_ReadsEach()
    {
        var options = Load(
            ("Stowage:Storage:Provider", "Postgres"),
            ("Stowage:Storage:ConnectionString", "Host=db;Username=stowage"),
            ("Stowage:Admin:Username", "root"),
            ("Stowage:Admin:Password", "correct horse"),
            ("Stowage:RootOrganization:Name", "Acme Corp"),
            ("Stowage:Region:Id", "eu-west-1"),
            ("Stowage:Region:Name", "Europe (Ireland)"),
            ("Stowage:PublicBaseUrl", "https://store.example.com/base"),
            ("Stowage:Https:Enabled", "False"),
            ("Stowage:Durability", "PROCESS"),
            ("Stowage:Tokens:LifetimeSeconds", " 86400 "),
            ("Stowage:Throttle:WindowSeconds", "300"),
            ("Stowage:Throttle:ClientIdLimit", "5"),
            ("Stowage:Throttle:UsernameLimit", "6"),
            ("Stowage:Throttle:AddressLimit", "1000"),
            ("Stowage:Metering:FlushIntervalSeconds", "5"),
            ("Stowage:Audit:RetentionDays", "90"),
            ("Stowage:Memory:TrimIntervalSeconds", "0"));

        Assert.Equal(StorageProvider.Postgres, options.Storage.Provider);
        Assert.Equal("Host=db;Username=stowage", options.Storage.ConnectionString);
        Assert.Equal("root", options.Admin.Username);
        Assert.Equal("correct horse", options.Admin.Password);
        Assert.Equal("Acme Corp", options.RootOrganization.Name);
        Assert.Equal("eu-west-1", options.Region.Id);
        Assert.Equal("Europe (Ireland)", options.Region.Name);
        Assert.Equal(new Uri("https://store.example.com/base"), options.PublicBaseUrl);
        Assert.False(options.Https.Enabled);
        Assert.Equal(DurabilityMode.Process, options.Durability);
        Assert.Equal(86400, options.Tokens.LifetimeSeconds);
        Assert.Equal(300, options.Throttle.WindowSeconds);
        Assert.Equal(5, options.Throttle.ClientIdLimit);
        Assert.Equal(6, options.Throttle.UsernameLimit);
        Assert.Equal(1000, options.Throttle.AddressLimit);
        Assert.Equal(5, options.MeteringFlushIntervalSeconds);
        Assert.Equal(90, options.Audit.RetentionDays);
        Assert.Equal(0, options.Memory.TrimIntervalSeconds);
    }

    [Fact]
    public void Load_KeysInOtherCase_AreTheSameSettings()
    {
        // Environment variables arrive as e.g. STOWAGE__DURABILITY.
        var options = Load(("STOWAGE:DURABILITY", "process"), ("stowage:tokens:lifetimeseconds", "60"));

        Assert.Equal(DurabilityMode.Process, options.Durability);
        Assert.Equal(60, options.Tokens.LifetimeSeconds);
    }

    [Theory]
    [InlineData("Stowage:Admin:Password", "")]
    [InlineData("Stowage:PublicBaseUrl", "")]
    [InlineData("Stowage:Storage:ConnectionString", " ")]
    public void Load_OptionalSettingEmpty_CountsAsUnset(string key, string value)
    {
        var options = Load((key, value));

        Assert.Null(options.Admin.Password);
        Assert.Null(options.PublicBaseUrl);
        Assert.Null(options.Storage.ConnectionString);
    }

    [Theory]
    [InlineData("Stowage:Durability", "fast", "Stowage:Durability: 'fast' is not one of fsync, process")]
    [InlineData("Stowage:Durability", "1", "Stowage:Durability: '1' is not one of fsync, process")]
    [InlineData("Stowage:Storage:Provider", "mysql", "Stowage:Storage:Provider: 'mysql' is not one of sqlite, postgres")]
    [InlineData("Stowage:Tokens:LifetimeSeconds", "abc", "Stowage:Tokens:LifetimeSeconds: 'abc' is not a whole number")]
    [InlineData("Stowage:Passwords:Iterations", "999", "Stowage:Passwords:Iterations: 999 is outside the allowed range 1000..100000000")]
    [InlineData("Stowage:Passwords:Iterations", "600k", "Stowage:Passwords:Iterations: '600k' is not a whole number")]
    [InlineData("Stowage:Passwords", "600000", "Stowage:Passwords: is a group of settings, not a value (e.g. Stowage:Passwords:Iterations)")]
    [InlineData("Stowage:Throttle:UsernameLimit", "0", "Stowage:Throttle:UsernameLimit: 0 is outside the allowed range 1..1000000")]
    [InlineData("Stowage:Throttle:WindowSeconds", "1m", "Stowage:Throttle:WindowSeconds: '1m' is not a whole number")]
    [InlineData("Stowage:Metering:FlushIntervalSeconds", "6", "Stowage:Metering:FlushIntervalSeconds: 6 is outside the allowed range 1..5")]
    [InlineData("Stowage:Audit:RetentionDays", "0", "Stowage:Audit:RetentionDays: 0 is outside the allowed range 1..36500")]
    [InlineData("Stowage:Audit:RetentionDays", "1y", "Stowage:Audit:RetentionDays: '1y' is not a whole number")]
    [InlineData("Stowage:Memory:TrimIntervalSeconds", "-1", "Stowage:Memory:TrimIntervalSeconds: -1 is outside the allowed range 0..3600")]
    [InlineData("Stowage:Memory:TrimIntervalSeconds", "3601", "Stowage:Memory:TrimIntervalSeconds: 3601 is outside the allowed range 0..3600")]
    [InlineData("Stowage:Memory", "5", "Stowage:Memory: is a group of settings, not a value (e.g. Stowage:Memory:TrimIntervalSeconds)")]
    [InlineData("Stowage:Audit", "365", "Stowage:Audit: is a group of settings, not a value (e.g. Stowage:Audit:RetentionDays)")]
    [InlineData("Stowage:Throttle", "20", "Stowage:Throttle: is a group of settings, not a value (e.g. Stowage:Throttle:WindowSeconds)")]
    [InlineData("Stowage:Tokens:LifetimeSeconds", "90.5", "Stowage:Tokens:LifetimeSeconds: '90.5' is not a whole number")]
    [InlineData("Stowage:Tokens:LifetimeSeconds", "59", "Stowage:Tokens:LifetimeSeconds: 59 is outside the allowed range 60..86400")]
    [InlineData("Stowage:Tokens:LifetimeSeconds", "86401", "Stowage:Tokens:LifetimeSeconds: 86401 is outside the allowed range 60..86400")]
    [InlineData("Stowage:Tokens:LifetimeSeconds", "99999999999", "Stowage:Tokens:LifetimeSeconds: 99999999999 is outside the allowed range 60..86400")]
    [InlineData("Stowage:Tokens:LifetimeSeconds", "99999999999999999999999", "Stowage:Tokens:LifetimeSeconds: 99999999999999999999999 is outside the allowed range 60..86400")]
    [InlineData("Stowage:Https:Enabled", "yes", "Stowage:Https:Enabled: 'yes' is not one of true, false")]
    [InlineData("Stowage:PublicBaseUrl", "ftp://files.example.com", "Stowage:PublicBaseUrl: 'ftp://files.example.com' is not an absolute http or https URL")]
    [InlineData("Stowage:PublicBaseUrl", "store.example.com", "Stowage:PublicBaseUrl: 'store.example.com' is not an absolute http or https URL")]
    [InlineData("Stowage:PublicBaseUrl", "https://x.example.com/?a=1", "Stowage:PublicBaseUrl: 'https://x.example.com/?a=1' must not have a query, fragment or user info")]
    [InlineData("Stowage:DataDirectory", " ", "Stowage:DataDirectory: must not be empty (remove it to use the default './data')")]
    [InlineData("Stowage:Admin:Username", "", "Stowage:Admin:Username: must not be empty (remove it to use the default 'admin')")]
    [InlineData("Stowage:Admin:Password", "short", "Stowage:Admin:Password: must be at least 8 characters (leave it unset to have one generated)")]
    [InlineData("Stowage:RootOrganization:Name", " Acme", "Stowage:RootOrganization:Name: ' Acme' must not start or end with whitespace")]
    [InlineData("Stowage:Region:Id", "us east", "Stowage:Region:Id: 'us east' must be at most 64 letters, digits, '-', '_' or '.'")]
    [InlineData("Stowage:Durabilty", "fsync", "Stowage:Durabilty: is not a known setting (see docs/configuration.md)")]
    [InlineData("Stowage:Tokens:Lifetime", "60", "Stowage:Tokens:Lifetime: is not a known setting (see docs/configuration.md)")]
    [InlineData("Stowage:Storage", "sqlite", "Stowage:Storage: is a group of settings, not a value (e.g. Stowage:Storage:Provider)")]
    [InlineData("Stowage:Durability:Mode", "fsync", "Stowage:Durability: is a single value, not a group of settings")]
    public void Load_BadSetting_ThrowsOneLineNamingKeyAndProblem(string key, string value, string expected)
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Load((key, value)));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Load_PostgresWithoutConnectionString_ThrowsForConnectionString()
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Load(("Stowage:Storage:Provider", "postgres")));

        Assert.Equal("Stowage:Storage:ConnectionString: is required when Stowage:Storage:Provider is postgres", error.Message);
        Assert.Equal("Stowage:Storage:ConnectionString", error.Key);
    }

    [Fact]
    public void Load_ValueWithLineBreak_KeepsMessageOnOneLine()
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Load(("Stowage:Durability", "fast\nslow")));

        Assert.Equal("Stowage:Durability: 'fast\\u000aslow' is not one of fsync, process", error.Message);
    }

    [Fact]
    public void Load_ShortPassword_NeverRepeatsThePassword()
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Load(("Stowage:Admin:Password", "Zq9#x")));

        Assert.DoesNotContain("Zq9#x", error.Message, StringComparison.Ordinal);
        Assert.Equal("Stowage:Admin:Password", error.Key);
    }

    private static StowageOptions Load(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return StowageOptions.Load(configuration, CurrentDirectory);
    }
}
