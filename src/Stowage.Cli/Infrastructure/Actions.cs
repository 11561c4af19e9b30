using System.CommandLine;

namespace Stowage.Cli.Infrastructure;

/// <summary>Binds a command to a handler that gets the invocation's <see cref="CliContext"/>.</summary>
public static class Actions
{
    /// <summary>The process's terminal, set once at start.</summary>
    public static Terminal Terminal { get; set; } = null!;

    public static Command Handle(this Command command, Func<CliContext, CancellationToken, Task<int>> handler)
    {
        command.SetAction((parse, cancellationToken) => handler(CliContext.From(parse, Terminal), cancellationToken));
        return command;
    }

    public static Command Handle(this Command command, Func<CliContext, CancellationToken, Task> handler)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            await handler(CliContext.From(parse, Terminal), cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Asks before something that cannot be undone. <c>--yes</c> skips the question; without a
    /// terminal to ask on, the command refuses rather than guess.
    /// </summary>
    public static void Confirm(CliContext context, bool yes, string question)
    {
        if (yes)
        {
            return;
        }

        if (!context.Terminal.InputIsTerminal || !context.Terminal.ErrorIsTerminal)
        {
            throw CliException.Usage($"{question} Pass --yes to confirm (there is no terminal to ask on).");
        }

        var answer = Spectre.Console.AnsiConsoleExtensions.Confirm(context.Terminal.ErrorConsole, question, defaultValue: false);
        if (!answer)
        {
            throw new CliException(ExitCodes.Failed, "Cancelled.");
        }
    }

    public static Option<bool> YesOption() => new("--yes", "-y") { Description = "Do not ask for confirmation" };
}
