using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stowage.Access;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Server.Tests.Infrastructure;

/// <summary>
/// The real server in memory: its own temporary data directory (a real SQLite file), a known
/// admin password, and optionally a fake clock. Tokens come from the real login endpoint.
/// </summary>
public class StowageFactory : WebApplicationFactory<Program>
{
    public const string AdminPassword = "test-admin-password-1234";

    /// <summary>
    /// The PBKDF2 cost of the test servers' password hashes (<see cref="PasswordIterationsKey"/>
    /// in <see cref="Settings"/>): every sign-in and every user created pays it, and at the
    /// production default (600 000) they would spend minutes of the test run hashing.
    /// <c>PasswordHashingTests</c> removes the setting to cover the default.
    /// </summary>
    public const int TestPasswordIterations = 1_000;

    public const string PasswordIterationsKey = "Stowage:Passwords:Iterations";

    /// <param name="clock">The server's clock; the system clock when null.</param>
    /// <param name="dataDirectory">An existing data directory to open (a "restart"); a new one when null.</param>
    public StowageFactory(FakeTimeProvider? clock = null, string? dataDirectory = null)
    {
        Clock = clock;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "stowage-tests", Guid.NewGuid().ToString("N"));

        // Real HTTP on loopback: the in-memory test server rewrites request targets, and the
        // data plane depends on receiving them exactly as clients send them. The address is the
        // "urls" setting below: UseKestrel(port) would rewrite the server's addresses from the
        // test's thread after the host is built, while the application's own thread may
        // already be starting Kestrel (then it throws "cannot be modified after the server has
        // started").
        UseKestrel();
    }

    public FakeTimeProvider? Clock { get; }

    /// <summary>More settings (e.g. <c>Stowage:Throttle:UsernameLimit</c>), applied when the server starts.</summary>
    public Dictionary<string, string> Settings { get; } = new()
    {
        [PasswordIterationsKey] = TestPasswordIterations.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public string DataDirectory { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Stowage:DataDirectory", DataDirectory);
        builder.UseSetting("Stowage:Admin:Password", AdminPassword);
        builder.UseSetting("Stowage:Https:Enabled", "false");
        builder.UseSetting("Stowage:Durability", "process");
        foreach (var (key, value) in TestStorage.SettingsFor(DataDirectory))
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        if (Clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        }
    }

    /// <summary>Signs in through POST /accounts/login and returns the bearer token.</summary>
    public async Task<string> LoginAsync(string username = "admin", string password = AdminPassword)
    {
        using var http = CreateClient();
        using var response = await http.PostAsJsonAsync("/accounts/login", new { username, password });
        response.EnsureSuccessStatusCode();
        var login = await response.Content.ReadFromJsonAsync(StowageJsonContext.Default.LoginResponse);
        return login!.AccessToken;
    }

    /// <summary>An SDK client signed in as the bootstrap administrator.</summary>
    public StowageClient CreateAdminClient() =>
        new(CreateClient(), new UserLoginTokenSource(CreateClient(), "admin", AdminPassword));

    public StowageClient CreateClient(string token) => new(CreateClient(), new StaticTokenSource(token));

    /// <summary>The root organization and its environments by name.</summary>
    public async Task<TenantIds> RootAsync()
    {
        var tree = await Services.GetRequiredService<OrganizationDirectory>().GetAsync(CancellationToken.None);
        var root = tree.Root!;
        var environments = tree.EnvironmentsOf(root.Id).ToDictionary(e => e.Name, e => e.Id);
        return new TenantIds(root.Id, environments["Production"], environments["Sandbox"], environments["Design"]);
    }

    /// <summary>
    /// A business group under the root with its own administrator, made through the storage
    /// interfaces (the groups and users API belongs to access management).
    /// </summary>
    public async Task<(TenantIds Group, string Token)> CreateGroupWithAdminAsync(string name)
    {
        var root = await RootAsync();
        var now = DateTimeOffset.UtcNow;
        var userId = Ids.NewId();
        var group = new Organization(Ids.NewId(), name, root.OrgId, userId, Ids.NewClientId(), now, now);
        var environments = Bootstrapper.NewEnvironments(group.Id, now);
        await Services.GetRequiredService<IOrganizationRepository>().CreateOrganizationAsync(group, environments, 100, CancellationToken.None);
        var username = "admin-" + name.ToLowerInvariant();
        var password = "password-of-" + name;
        await Services.GetRequiredService<IUserRepository>().CreateAsync(
            new UserRecord(userId, username, name, "Admin", string.Empty, Services.GetRequiredService<PasswordHasher>().Hash(password), now, root.OrgId, [group.Id]),
            CancellationToken.None);
        Services.GetRequiredService<OrganizationDirectory>().Invalidate();
        var ids = environments.ToDictionary(e => e.Name, e => e.Id);
        return (new TenantIds(group.Id, ids["Production"], ids["Sandbox"], ids["Design"]), await LoginAsync(username, password));
    }

    /// <summary>
    /// A client whose connections come from <paramref name="localAddress"/> (any 127.x.y.z works
    /// on loopback), so the server sees another peer than <see cref="WebApplicationFactory{T}.CreateClient()"/>'s 127.0.0.1.
    /// </summary>
    public HttpClient CreateClientFrom(System.Net.IPAddress localAddress)
    {
        using var plain = CreateClient();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(localAddress.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new System.Net.IPEndPoint(localAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = plain.BaseAddress };
    }

    /// <summary>Leaves the data directory behind on dispose, for a second factory to open.</summary>
    public bool KeepDataDirectory { get; init; }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (KeepDataDirectory)
        {
            return;
        }

        TestStorage.ForgetAsync(DataDirectory).GetAwaiter().GetResult();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS temp cleaner takes what is left.
        }
    }
}

public sealed record TenantIds(string OrgId, string ProductionId, string SandboxId, string DesignId);
