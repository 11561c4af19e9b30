using System.Text.Json.Nodes;
using Xunit;

namespace Stowage.Server.Tests.Hosting;

/// <summary>
/// The .NET runtime settings the server is built with (configuration.md, "Memory" and
/// "Thread pool"): read from the runtime configuration file written next to the server's
/// assembly, which is what the runtime reads when <c>dotnet run</c> or <c>dotnet
/// Stowage.Server.dll</c> starts it.
/// </summary>
public sealed class RuntimeSettingsTests
{
    private static JsonObject ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Stowage.Server.runtimeconfig.json");
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        return document["runtimeOptions"]!["configProperties"]!.AsObject();
    }

    [Fact]
    public void ThreadPoolWorkers_DoNotSpin()
    {
        var properties = ConfigProperties();

        Assert.Equal(0, (int)properties["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]!);
    }

    [Fact]
    public void GarbageCollector_IsTheWorkstationOne()
    {
        var properties = ConfigProperties();

        Assert.False((bool)properties["System.GC.Server"]!);
    }
}
