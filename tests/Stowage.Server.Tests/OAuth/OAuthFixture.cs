using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.OAuth;

/// <summary>One server shared by a test class; every test makes its own apps.</summary>
public sealed class OAuthFixture : IDisposable
{
    public StowageFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();
}
