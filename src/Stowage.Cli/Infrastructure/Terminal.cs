using System.Text;
using Spectre.Console;

namespace Stowage.Cli.Infrastructure;

/// <summary>
/// What the process is connected to. Tables, colours, prompts and progress bars appear only on
/// a terminal; redirected streams get plain text without a single escape code.
/// </summary>
public sealed class Terminal
{
    private IAnsiConsole? _out;
    private IAnsiConsole? _error;

    public Terminal()
    {
        OutputIsTerminal = !Console.IsOutputRedirected && !ColourDisabled("STOWAGE_PLAIN");
        ErrorIsTerminal = !Console.IsErrorRedirected && !ColourDisabled("STOWAGE_PLAIN");
        InputIsTerminal = !Console.IsInputRedirected;
        StandardOutput = Console.OpenStandardOutput();

        // Buffered when redirected: a listing of a million keys must not cost a write call per line.
        Output = new StreamWriter(StandardOutput, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024)
        {
            AutoFlush = OutputIsTerminal,
            NewLine = "\n",
        };
        Error = Console.Error;
    }

    /// <summary>The raw standard output, for bytes (values, JSON); flush <see cref="Output"/> before writing to it.</summary>
    public Stream StandardOutput { get; }

    /// <summary>Text on standard output; flushed by the program on exit.</summary>
    public StreamWriter Output { get; }

    public TextWriter Error { get; }

    public bool OutputIsTerminal { get; }

    public bool ErrorIsTerminal { get; }

    public bool InputIsTerminal { get; }

    /// <summary>Spectre on standard output; plain (no ANSI) when it is not a terminal.</summary>
    public IAnsiConsole Out => _out ??= Create(Output, OutputIsTerminal);

    /// <summary>Spectre on standard error, for progress bars and prompts.</summary>
    public IAnsiConsole ErrorConsole => _error ??= Create(Error, ErrorIsTerminal);

    /// <summary>Writes a notice (never data) to standard error, so piped output stays clean.</summary>
    public void Notice(string message) => Error.WriteLine(message);

    private static IAnsiConsole Create(TextWriter writer, bool terminal)
    {
        var colours = terminal && Environment.GetEnvironmentVariable("NO_COLOR") is not { Length: > 0 };
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = colours ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
    }

    private static bool ColourDisabled(string name) => Environment.GetEnvironmentVariable(name) is "1" or "true";
}
