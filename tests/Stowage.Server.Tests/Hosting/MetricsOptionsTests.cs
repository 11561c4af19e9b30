using Microsoft.Extensions.Configuration;
using Stowage.Server.Hosting;

namespace Stowage.Server.Tests.Hosting;

public sealed class MetricsOptionsTests
{
    [Fact]
    public void Load_NothingConfigured_MetricsOnMainListenersWithoutStoreLabels()
    {
        var metrics = Load().Metrics;

        Assert.True(metrics.Enabled);
        Assert.Empty(metrics.Urls);
        Assert.False(metrics.PerStore);
    }

    [Fact]
    public void Load_EveryMetricsSetting_ReadsEach()
    {
        var metrics = Load(
            ("Stowage:Metrics:Enabled", "False"),
            ("Stowage:Metrics:Urls", "http://127.0.0.1:9464; https://*:9465"),
            ("Stowage:Metrics:PerStore", "true")).Metrics;

        Assert.False(metrics.Enabled);
        Assert.Equal(["http://127.0.0.1:9464", "https://*:9465"], metrics.Urls);
        Assert.True(metrics.PerStore);
    }

    [Theory]
    [InlineData("http://127.0.0.1:0", "Stowage:Metrics:Urls: 'http://127.0.0.1:0' must name a port other than 0 (e.g. http://127.0.0.1:9464)")]
    [InlineData("http://127.0.0.1", "Stowage:Metrics:Urls: 'http://127.0.0.1' must name a port other than 0 (e.g. http://127.0.0.1:9464)")]
    [InlineData("http://127.0.0.1:9464/metrics", "Stowage:Metrics:Urls: 'http://127.0.0.1:9464/metrics' is not an http or https URL of a listener (e.g. http://127.0.0.1:9464)")]
    [InlineData("tcp://127.0.0.1:9464", "Stowage:Metrics:Urls: 'tcp://127.0.0.1:9464' is not an http or https URL of a listener (e.g. http://127.0.0.1:9464)")]
    public void Load_BadMetricsUrl_FailsWithOneLine(string value, string message)
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Load(("Stowage:Metrics:Urls", value)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Load_MisspeltMetricsKey_IsRejected()
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Load(("Stowage:Metrics:PerStores", "true")));

        Assert.Equal("Stowage:Metrics:PerStores", error.Key);
    }

    private static StowageOptions Load(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return StowageOptions.Load(configuration, "/srv/stowage");
    }
}
