namespace Stowage.Storage.Postgres;

/// <summary>The PostgreSQL backend's settings.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>
    /// Npgsql connection string (a secret: never print or log it). Several hosts with
    /// <c>Target Session Attributes=primary</c> follow a failover. Where it sets no
    /// <c>Timeout</c> or <c>Command Timeout</c>, the backend's own (below) apply, so that a
    /// request never waits longer for an unreachable database than the API promises.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// Seconds to wait for a connection to open. With <see cref="CommandTimeoutSeconds"/> it
    /// bounds how long a request waits for a database that does not answer: a statement on a
    /// silent connection fails after the command timeout plus twice this (Npgsql's cancel
    /// attempt), so 2 + 2 × 1 keeps the API's promise of a 503 within 5 seconds.
    /// </summary>
    public int ConnectTimeoutSeconds { get; init; } = 1;

    /// <summary>
    /// Seconds one statement may run before it is cancelled: a database that stops answering
    /// (a network partition leaves connections open but silent) turns into a 503 within about
    /// this long instead of a request that hangs. Migrations are not bound by it.
    /// </summary>
    public int CommandTimeoutSeconds { get; init; } = 2;
}
