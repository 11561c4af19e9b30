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

    /// <summary>Seconds to wait for a connection to open (the API answers 503 within 5 s).</summary>
    public int ConnectTimeoutSeconds { get; init; } = 3;

    /// <summary>Seconds one statement may run before it is cancelled.</summary>
    public int CommandTimeoutSeconds { get; init; } = 30;
}
