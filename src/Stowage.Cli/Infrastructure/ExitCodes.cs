namespace Stowage.Cli.Infrastructure;

/// <summary>The process exit codes of cli.md; scripts branch on them.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The server refused or failed the request, or a transfer could not finish.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: unknown command, missing or bad argument.</summary>
    public const int Usage = 2;

    /// <summary>Not signed in, the session expired, or the credentials were refused.</summary>
    public const int Authentication = 3;

    /// <summary>The store, partition, key, app or environment does not exist.</summary>
    public const int NotFound = 4;

    /// <summary>Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}

/// <summary>
/// A failure the command already explained in words: the message is printed as is (never
/// with a stack trace) and the process exits with <see cref="ExitCode"/>.
/// </summary>
public sealed class CliException(int exitCode, string message, string? code = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The server's stable error code, when the failure came from the server.</summary>
    public string? Code { get; } = code;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    public static CliException NotFound(string message) => new(ExitCodes.NotFound, message);

    public static CliException NotSignedIn(string url) =>
        new(ExitCodes.Authentication, $"Not signed in to {url} (or the session has expired): run 'stowage login'.");
}
