using System.CommandLine;
using System.Runtime.InteropServices;
using Stowage.Cli.Commands;
using Stowage.Cli.Infrastructure;
using Stowage.Client;

namespace Stowage.Cli;

/// <summary>
/// The command tree and the one place that turns failures into messages and exit codes:
/// server errors print the server's <c>message</c> and <c>code</c>; nothing prints a stack trace.
/// </summary>
public static class StowageCli
{
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("stowage: stores, keys and values, export and import, connected apps and usage of a Stowage server.")
        {
            CliContext.UrlOption,
            CliContext.CaFileOption,
            CliContext.ProfileOption,
            CliContext.OrgOption,
            CliContext.EnvOption,
            CliContext.OutputOption,
        };
        foreach (var command in new[]
        {
            LoginCommands.Login(),
            LoginCommands.Logout(),
            LoginCommands.Use(),
            StoreCommands.Create(),
            PartitionCommands.Create(),
            KeyCommands.Create(),
            BulkCommands.Export(),
            BulkCommands.Import(),
            BulkCommands.Copy(),
            AppCommands.Create(),
            EnvironmentCommands.Create(),
            GroupCommands.Create(),
            UsageCommand.Create(),
            CompletionCommand.Create(),
        })
        {
            root.Add(command);
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var terminal = new Terminal();
        Actions.Terminal = terminal;
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl-C asks the command to stop cleanly; a second one ends the process.
            if (!interrupt.IsCancellationRequested)
            {
                e.Cancel = true;
                interrupt.Cancel();
            }
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interrupt.Cancel();
        });
        try
        {
            var parse = BuildRootCommand().Parse(args);
            var configuration = new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
                Output = terminal.Output,
                Error = terminal.Error,
            };
            var code = await parse.InvokeAsync(configuration, interrupt.Token);
            return parse.Errors.Count > 0 ? ExitCodes.Usage : code;
        }
        catch (Exception e) when (Report(e, terminal, interrupt.IsCancellationRequested) is var code)
        {
            return code;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            try
            {
                await terminal.Output.FlushAsync(CancellationToken.None);
            }
            catch (IOException)
            {
                // The reader went away (a closed pipe); nothing left to tell it.
            }
        }
    }

    /// <summary>Prints one line (two with the code) for a failure and picks its exit code.</summary>
    private static int Report(Exception exception, Terminal terminal, bool interrupted)
    {
        var error = terminal.Error;
        switch (exception)
        {
            case OperationCanceledException when interrupted:
                error.WriteLine("Interrupted.");
                return ExitCodes.Interrupted;
            case CliException cli:
                error.WriteLine("error: " + cli.Message + (cli.Code is null ? string.Empty : $" ({cli.Code})"));
                return cli.ExitCode;
            case StowageApiException api:
                error.WriteLine($"error: {api.Message}" + (api.Code is null ? string.Empty : $" ({api.Code})") + $" [HTTP {api.Status}]");
                return ExitCodeOf(api);
            case HttpRequestException http:
                error.WriteLine($"error: could not reach the server: {http.Message}");
                return ExitCodes.Failed;
            case TaskCanceledException:
                error.WriteLine("error: the server did not answer in time.");
                return ExitCodes.Failed;
            case IOException io:
                error.WriteLine("error: " + io.Message);
                return ExitCodes.Failed;
            case UnauthorizedAccessException denied:
                error.WriteLine("error: " + denied.Message);
                return ExitCodes.Failed;
            default:
                error.WriteLine($"error: unexpected {exception.GetType().Name}: {exception.Message}");
                return ExitCodes.Failed;
        }
    }

    public static int ExitCodeOf(StowageApiException exception) => exception.Status switch
    {
        401 => ExitCodes.Authentication,
        404 => ExitCodes.NotFound,
        _ when exception.Code is "invalid_client" or "invalid_grant" or "unauthorized_client" => ExitCodes.Authentication,
        _ => ExitCodes.Failed,
    };
}
