using System.Net.Sockets;
using Npgsql;
using Stowage.Core.Errors;

namespace Stowage.Storage.Postgres;

/// <summary>Which PostgreSQL failures are the database's unavailability rather than a bug.</summary>
internal static class PostgresErrors
{
    private const string NoSuitableHost = "No suitable host was found.";

    public static bool IsRetryable(PostgresException ex) =>
        ex.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    /// <summary>
    /// The server ended this connection (shut down or restarted since it was pooled): the
    /// statement that got this answer did not run, so it and its transaction can run again on
    /// a new connection. The pool's other connections are likely ended too.
    /// </summary>
    public static bool IsTerminated(Exception ex) =>
        ex is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown };

    /// <summary>
    /// True for failures of the database rather than of the statement: it cannot be reached,
    /// is shutting down, is read-only (a standby not yet promoted), is out of disk or
    /// connections, or did not answer in time. A cancellation the caller asked for is not one.
    /// </summary>
    public static bool IsUnavailable(Exception ex, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        return ex switch
        {
            PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                || pg.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources
                || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) // operator intervention: shutdown, cannot connect now
                || pg.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction
                || pg.SqlState == PostgresErrorCodes.QueryCanceled,
            NpgsqlException npgsql => npgsql.IsTransient
                || npgsql.InnerException is SocketException or IOException or TimeoutException
                // Several hosts listed (Target Session Attributes=primary): none could be reached,
                // or every reachable one is a standby not yet promoted. Npgsql says the latter only in
                // this message, with no inner exception.
                || (npgsql.InnerException is AggregateException hosts && hosts.InnerExceptions.All(e => IsUnavailable(e, cancellationToken)))
                || (npgsql.InnerException is null && npgsql.Message == NoSuitableHost),
            TimeoutException => true,
            SocketException => true,
            _ => false,
        };
    }

    /// <summary>True when the database did not answer in time (as opposed to refusing).</summary>
    public static bool IsTimeout(Exception ex) => ex is TimeoutException || ex.InnerException is TimeoutException;

    public static StorageUnavailableException Unavailable(Exception ex) =>
        new($"the database is unavailable: {Describe(ex)}", ex);

    /// <summary>One line about a failure, never the connection string or a password.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        PostgresException pg => $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
        NpgsqlException { InnerException: SocketException socket } => socket.Message,
        NpgsqlException { InnerException: TimeoutException } => "the connection timed out",
        _ => ex.Message,
    };
}
