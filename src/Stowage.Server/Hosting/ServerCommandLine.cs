namespace Stowage.Server.Hosting;

/// <summary>
/// What the server accepts on its command line before it starts: a command it knows
/// (<c>backup</c>, <c>restore</c>, <c>copy-data</c>), <c>--help</c>, or settings in the forms ASP.NET Core reads
/// (<c>--Key=value</c>, <c>--Key value</c>, <c>/Key=value</c>, <c>/Key value</c>). Anything else (a
/// word it does not know, a misspelt command, a short switch, a setting without a value)
/// stops it with one line and exit code 2, before it opens the data directory: a typo must
/// never start a server on the default data. Unknown <c>Stowage:</c> settings are refused
/// later, by <see cref="StowageOptions"/>.
/// </summary>
public static class ServerCommandLine
{
    public const string Usage = """
        usage: Stowage.Server [--Setting=value ...]
               Stowage.Server backup --to <file> [--Setting=value ...]
               Stowage.Server restore --from <file> [--Setting=value ...]
               Stowage.Server copy-data --from <sqlite data directory> --to <postgres connection string> [--master-key-file <file>]

        Settings are configuration keys (docs/configuration.md), for example:
          --urls http://127.0.0.1:8080
          --Stowage:DataDirectory=/var/lib/stowage
          --Stowage:Storage:Provider=postgres --Stowage:Storage:ConnectionString="Host=…"
        """;

    /// <summary>What to do with <paramref name="args"/>.</summary>
    public static Verdict Check(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?" or "/?" or "help")
            {
                return new Verdict(VerdictKind.Help, null);
            }

            if (!IsSetting(arg))
            {
                return Refuse(i == 0 && !arg.StartsWith('-')
                    ? $"unknown command '{Printable(arg)}'"
                    : $"unexpected argument '{Printable(arg)}'");
            }

            if (arg.Contains('=', StringComparison.Ordinal))
            {
                continue;
            }

            // "--Key value": the next argument is the value, whatever it looks like.
            if (i + 1 >= args.Count)
            {
                return Refuse($"the setting '{Printable(arg)}' has no value");
            }

            i++;
        }

        return new Verdict(VerdictKind.Serve, null);
    }

    private static bool IsSetting(string arg)
    {
        var key = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..]
            : arg.StartsWith('/') ? arg[1..]
            : null;
        return key is not null && key.Length > 0 && key[0] != '=' && !key.StartsWith('-');
    }

    private static Verdict Refuse(string problem) =>
        new(VerdictKind.Refuse, $"{problem}; run with --help for usage");

    /// <summary>
    /// An argument as an error line may quote it: never what follows a <c>=</c> (it may be a
    /// password or a connection string), and nothing at all when it is long or has control
    /// characters.
    /// </summary>
    internal static string Printable(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        var shown = equals < 0 ? argument : argument[..equals] + "=…";
        return shown.Length > 60 || shown.Any(char.IsControl) ? "(an argument)" : shown;
    }

    public enum VerdictKind
    {
        Serve,
        Help,
        Refuse,
    }

    /// <summary><see cref="Line"/> is the one line printed on a refusal.</summary>
    public readonly record struct Verdict(VerdictKind Kind, string? Line);
}
