using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;

namespace Stowage.Console.Tests.Infrastructure;

/// <summary>
/// The relying party of <c>rp/rp.mjs</c> (openid-client, a certified OpenID Connect client) as a
/// process: it discovers the server, prints the authorization address it built, and reports
/// each step of the flow as a JSON line once the browser reaches its redirect URI.
/// </summary>
public sealed class RelyingParty : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
    private readonly string _tokenFile;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errors = new();

    private RelyingParty(Process process, string tokenFile)
    {
        _process = process;
        _tokenFile = tokenFile;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.StartsWith('{'))
            {
                _lines.Writer.TryWrite(JsonDocument.Parse(line).RootElement.Clone());
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                _errors.Enqueue(line);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>A free loopback port (below the ephemeral range) for the redirect URI, which the app must list before the flow starts.</summary>
    public static int FreePort() => Stowage.Testing.Postgres.LoopbackPorts.FreeBelowEphemeral();

    public static string RedirectUri(int port) => $"http://127.0.0.1:{port}/callback";

    public static RelyingParty Start(string issuer, string clientId, string clientSecret, int port, string scope, string mode = "refresh")
    {
        var directory = Path.Combine(RepositoryRoot(), "tests", "Stowage.Console.Tests", "rp");
        var tokenFile = Path.Combine(Path.GetTempPath(), "stowage-rp-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("node", "rp.mjs")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ISSUER"] = issuer;
        start.Environment["CLIENT_ID"] = clientId;
        start.Environment["CLIENT_SECRET"] = clientSecret;
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SCOPE"] = scope;
        start.Environment["TOKEN_FILE"] = tokenFile;
        start.Environment["MODE"] = mode;
        return new RelyingParty(Process.Start(start) ?? throw new InvalidOperationException("node did not start"), tokenFile);
    }

    /// <summary>The next step the relying party reports; fails on a step of another name.</summary>
    public async Task<JsonElement> NextAsync(string step)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        JsonElement line;
        try
        {
            line = await _lines.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no step '{step}' from the relying party; its errors: {string.Join('\n', _errors)}");
            throw;
        }

        Assert.True(line.GetProperty("step").GetString() == step, $"expected step '{step}', got {line}");
        return line;
    }

    /// <summary>The access token of the code exchange (written to a file only this test reads, never printed).</summary>
    public string AccessToken() => File.ReadAllText(_tokenFile);

    /// <summary>Lets the relying party go on to the refresh (or replay) steps.</summary>
    public async Task ProceedAsync()
    {
        await _process.StandardInput.WriteLineAsync("go");
        await _process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
            File.Delete(_tokenFile);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Stowage.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
    }
}
