using Microsoft.AspNetCore.Hosting;

namespace Stowage.Server.Tests.Infrastructure;

/// <summary>
/// One node of a multi-node test: a server on a data directory (and, on PostgreSQL, its
/// database) that another node shares, with a fixed public URL so that the nodes are one
/// issuer. A node never removes what it shares; the test does, with
/// <see cref="TestStorage.ForgetAsync"/>, once every node has stopped.
/// </summary>
internal sealed class NodeFactory : StowageFactory
{
    public NodeFactory(string dataDirectory)
        : base(dataDirectory: dataDirectory)
    {
        KeepDataDirectory = true;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Stowage:PublicBaseUrl", "http://stowage.test/");
    }
}
