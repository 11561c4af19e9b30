using Microsoft.Extensions.Configuration;
using Stowage.Access.Limits;
using Stowage.Server.Hosting;

namespace Stowage.Server.Tests.RateLimits;

/// <summary>Stowage:RateLimits:Default: a preset name or the two custom numbers, checked at start like every setting.</summary>
public sealed class RateLimitSettingsTests
{
    [Fact]
    public void Load_NothingConfigured_NoLimit()
    {
        Assert.Equal(RateLimitPolicy.None, Load().RateLimits.Default);
    }

    [Theory]
    [InlineData("none", RateLimitKind.None, 0, 0)]
    [InlineData("standard", RateLimitKind.Standard, 10, 600)]
    [InlineData(" Premium ", RateLimitKind.Premium, 100, 6000)]
    public void Load_Preset_ReadsItsNumbers(string value, RateLimitKind kind, int perSecond, int perMinute)
    {
        var policy = Load(("Stowage:RateLimits:Default", value)).RateLimits.Default;

        Assert.Equal(new RateLimitPolicy(kind, perSecond, perMinute), policy);
    }

    [Fact]
    public void Load_CustomNumbers_ReadsBoth()
    {
        var policy = Load(("Stowage:RateLimits:Default:RequestsPerSecond", "5"), ("Stowage:RateLimits:Default:RequestsPerMinute", "120")).RateLimits.Default;

        Assert.Equal(new RateLimitPolicy(RateLimitKind.Custom, 5, 120), policy);
    }

    [Theory]
    [InlineData("Stowage:RateLimits:Default", "gold", "Stowage:RateLimits:Default: 'gold' is not one of none, standard, premium (or give RequestsPerSecond and RequestsPerMinute)")]
    [InlineData("Stowage:RateLimits:Default", "", "Stowage:RateLimits:Default: '' is not one of none, standard, premium (or give RequestsPerSecond and RequestsPerMinute)")]
    [InlineData("Stowage:RateLimits", "standard", "Stowage:RateLimits: is a group of settings, not a value (e.g. Stowage:RateLimits:Default)")]
    [InlineData("Stowage:RateLimits:Standard", "10", "Stowage:RateLimits:Standard: is not a known setting (see docs/configuration.md)")]
    [InlineData("Stowage:RateLimits:Default:Burst", "10", "Stowage:RateLimits:Default:Burst: is not a known setting (see docs/configuration.md)")]
    [InlineData("Stowage:RateLimits:Default:RequestsPerSecond", "10", "Stowage:RateLimits:Default: a custom limit needs both RequestsPerSecond and RequestsPerMinute")]
    public void Load_BadSetting_ThrowsOneLineNamingKeyAndProblem(string key, string value, string expected)
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Load((key, value)));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("0", "10", "Stowage:RateLimits:Default:RequestsPerSecond: 0 is outside the allowed range 1..1000000")]
    [InlineData("-3", "10", "Stowage:RateLimits:Default:RequestsPerSecond: -3 is outside the allowed range 1..1000000")]
    [InlineData("ten", "10", "Stowage:RateLimits:Default:RequestsPerSecond: 'ten' is not a whole number")]
    [InlineData("10", "99999999999", "Stowage:RateLimits:Default:RequestsPerMinute: 99999999999 is outside the allowed range 1..60000000")]
    [InlineData("10", "9", "Stowage:RateLimits:Default:RequestsPerMinute: 9 is below RequestsPerSecond (10): a minute holds at least one second's requests")]
    public void Load_BadCustomNumbers_ThrowsOneLine(string perSecond, string perMinute, string expected)
    {
        var error = Assert.Throws<StartupConfigurationException>(() => Load(
            ("Stowage:RateLimits:Default:RequestsPerSecond", perSecond), ("Stowage:RateLimits:Default:RequestsPerMinute", perMinute)));

        Assert.Equal(expected, error.Message);
    }

    private static StowageOptions Load(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return StowageOptions.Load(configuration, "/srv/stowage");
    }
}
