namespace Stowage.Core.Errors;

/// <summary>
/// The storage backend cannot take the operation right now (disk full, read-only, database
/// down). Mapped to 503 with <see cref="Code"/> (STORAGE_UNAVAILABLE unless the backend can
/// tell the cause); nothing of the operation was applied.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException(ErrorCode code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    public StorageUnavailableException(string message, Exception? inner = null)
        : this(ErrorCodes.StorageUnavailable, message, inner)
    {
    }

    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>A 503 code of the catalog: STORAGE_UNAVAILABLE, STORAGE_FULL or STORAGE_READ_ONLY.</summary>
    public ErrorCode Code { get; } = ErrorCodes.StorageUnavailable;
}
