namespace Stowage.ObjectStore;

/// <summary>Where a store lives: organization (business group) and environment ids.</summary>
public sealed record EnvironmentAddress(string OrgId, string EnvId);

public sealed record StoreAddress(string OrgId, string EnvId, string StoreId)
{
    public EnvironmentAddress Environment => new(OrgId, EnvId);
}

public sealed record PartitionAddress(StoreAddress Store, string Partition);

public sealed record KeyAddress(PartitionAddress Partition, string Key)
{
    public StoreAddress Store => Partition.Store;
}

/// <summary>The three value types of Object Store v2. The numbers are persisted: never renumber.</summary>
public enum ValueKind
{
    String = 1,
    Binary = 2,
    Number = 3,
}

/// <summary>
/// A value as stored: UTF-8 text for STRING, the raw bytes for BINARY, the exact JSON
/// number text (UTF-8) for NUMBER.
/// </summary>
public sealed record StoredValue(ValueKind Kind, byte[] Data);

/// <summary>A store's settings, already normalized (TTLs clamped, defaults applied).</summary>
public sealed record StoreSettings(
    long DefaultTtlSeconds,
    long DefaultConfirmationTtlSeconds,
    bool IsFixedTtl,
    bool Persistent,
    bool Encrypted)
{
    public static StoreSettings Defaults { get; } = new(TtlPolicy.MaxTtlSeconds, 600, false, true, true);
}

public sealed record StoreRecord(string StoreId, StoreSettings Settings, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>How a key expires: at <see cref="ExpiresAt"/>; rolling entries move it forward on reads.</summary>
public sealed record Expiry(DateTimeOffset ExpiresAt, long TtlMillis, bool IsFixed);

public sealed record Entry(string Key, StoredValue Value, Expiry Expiry, long Version);

public enum WriteOutcome
{
    Created,
    Updated,
    StoreNotFound,
}

public sealed record WriteResult(WriteOutcome Outcome, Entry? Entry);
