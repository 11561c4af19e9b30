using Stowage.Client;
using Stowage.Server.Tests.Process;

namespace Stowage.Cli.Tests;

/// <summary>
/// One real Stowage server process for the whole suite (a start costs seconds; each test
/// isolates itself with its own config directory and store names).
/// </summary>
public sealed class CliServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("not started");

    public string Url => Server.BaseAddress.ToString().TrimEnd('/');

    public AdminSession Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Every test signs in through the CLI: a cheap password hash (see StowageFactory.TestPasswordIterations).
        _server = await ServerProcess.StartAsync(new ServerStartInfo(_directory.DataDirectory)
        {
            ExtraArguments = ["--Stowage:Passwords:Iterations=1000"],
        });
        Admin = await ProcessTestSupport.SignInAsync(Server.BaseAddress);
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A signed-in CLI with its own config directory, defaulting to the Production environment.</summary>
    public async Task<Cli> SignedInCliAsync()
    {
        var cli = new Cli(Url);
        var login = await cli.RunAsync(["login", "--username", ProcessTestSupport.AdminUsername, "--env", "Production"], stdin: ProcessTestSupport.AdminPassword + "\n");
        login.AssertExit(0);
        return cli;
    }

    public StowageClient CreateClient() => Admin.CreateClient();
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliServerFixture>
{
    public const string Name = "CLI against one server";
}
