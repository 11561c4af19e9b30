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

public enum StoreWriteOutcome
{
    Created,
    Updated,

    /// <summary>An update asked for the other <c>encrypted</c> setting, which is fixed at creation: nothing changed.</summary>
    EncryptionFixed,
}

/// <summary>A store upsert's answer: the store as it now is (as it was, when refused).</summary>
public sealed record StoreWriteResult(StoreWriteOutcome Outcome, StoreRecord Store);

/// <summary>How a key expires: at <see cref="ExpiresAt"/>; rolling entries move it forward on reads.</summary>
public sealed record Expiry(DateTimeOffset ExpiresAt, long TtlMillis, bool IsFixed);

public sealed record Entry(string Key, StoredValue Value, Expiry Expiry, long Version);

public enum WriteOutcome
{
    Created,
    Updated,
    StoreNotFound,

    /// <summary>The write asked for create-only and a live key exists.</summary>
    KeyExists,

    /// <summary>The write or delete asked for a version and the live key has another one, or none.</summary>
    VersionMismatch,

    /// <summary>A confirmable write found another pending write on the key.</summary>
    ConfirmationPending,

    /// <summary>A confirm found no live pending write with that confirmation id on the key.</summary>
    ConfirmationNotFound,

    /// <summary>
    /// The value was sealed for the other encryption setting than the store's (see
    /// <see cref="ValueSealer"/>): nothing was written; seal it the store's way and write again.
    /// </summary>
    EncryptionMismatch,
}

/// <summary>
/// A precondition on a write or delete, checked inside the transaction that applies it:
/// <see cref="IfAbsent"/> (create only) or <see cref="IfVersion"/> (compare-and-set on the
/// live key's version; 0 never matches, as versions are positive).
/// </summary>
public sealed record WriteCondition(bool IfAbsent, long? IfVersion)
{
    public static WriteCondition None { get; } = new(false, null);

    public static WriteCondition Absent { get; } = new(true, null);

    public static WriteCondition Version(long version) => new(false, version);

    /// <summary>Whether a live key with <paramref name="liveVersion"/> (null: no live key) satisfies the condition.</summary>
    public WriteOutcome? Check(long? liveVersion) =>
        IfAbsent && liveVersion is not null ? WriteOutcome.KeyExists
        : IfVersion is { } expected && liveVersion != expected ? WriteOutcome.VersionMismatch
        : null;
}

/// <summary>
/// A confirmable write's answer: on <see cref="WriteOutcome.Created"/> (pending) the value as
/// it will be once confirmed (version included), its confirmation id, and when it is discarded.
/// </summary>
public sealed record PendingWriteResult(WriteOutcome Outcome, Entry? Entry, string? ConfirmationId, DateTimeOffset? DiscardAt);
