using Stowage.Client;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Console.Tests.Infrastructure;

/// <summary>One real server per browser test class, on a loopback port of its own.</summary>
public sealed class ConsoleServer : IDisposable
{
    public ConsoleServer()
    {
        Factory = new StowageFactory();
        using var client = Factory.CreateClient();
        BaseUrl = client.BaseAddress!.ToString().TrimEnd('/');
    }

    public StowageFactory Factory { get; }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>An SDK client signed in as the bootstrap administrator, for setting up and checking through the API.</summary>
    public StowageClient Admin() => Factory.CreateAdminClient();

    public void Dispose() => Factory.Dispose();
}
