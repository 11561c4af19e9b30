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

    /// <summary>Seconds to wait for a pooled connection or a new one to open.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 3;

    /// <summary>
    /// Seconds a request's repository operations (with their retries) may take in all, counted
    /// from the request's start, before it answers 503 <c>STORAGE_UNAVAILABLE</c>, whatever the
    /// database does; work outside a request gets this long per operation. The API promises a
    /// 503 within 5 seconds rather than a request that hangs on a database that went silent,
    /// and the rest of the 5 seconds is margin for a loaded machine.
    /// </summary>
    public int OperationTimeoutSeconds { get; init; } = 3;

    /// <summary>
    /// Seconds one statement may run before Npgsql cancels it, freeing the connection of an
    /// operation given up on (see <see cref="OperationTimeoutSeconds"/>). Migrations and
    /// copy-data are not bound by it.
    /// </summary>
    public int CommandTimeoutSeconds { get; init; } = 10;
}
