using Microsoft.Extensions.DependencyInjection;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.Operations;

/// <summary>Every log line written during a full sign-in and data-plane flow, at every level, holds no password and no token.</summary>
public sealed class LogSecrecyTests
{
    [Fact]
    public async Task FullFlow_AtTraceLevel_LogsNoPasswordOrToken()
    {
        var sink = new CapturingLoggerProvider();
        using var factory = new TraceLoggingFactory(sink);
        var root = await factory.RootAsync();
        var token = await factory.LoginAsync();
        using var client = factory.CreateClient(token);

        await client.PutStoreAsync(root.OrgId, root.SandboxId, "logged");
        await client.PutStringAsync(root.OrgId, root.SandboxId, "logged", "p", "k", "v");
        await client.GetValueAsync(root.OrgId, root.SandboxId, "logged", "p", "k");
        using var http = factory.CreateClient();
        using var wrong = await http.PostAsync("/accounts/login", new StringContent("{\"username\":\"admin\",\"password\":\"not-the-password-9876\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.NotEmpty(sink.Lines);
        Assert.DoesNotContain(sink.Lines, line => line.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(sink.Lines, line => line.Contains(StowageFactory.AdminPassword, StringComparison.Ordinal));
        Assert.DoesNotContain(sink.Lines, line => line.Contains("not-the-password-9876", StringComparison.Ordinal));
    }
}
