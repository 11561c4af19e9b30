namespace Stowage.Core.Errors;

/// <summary>
/// The storage backend cannot take the operation right now (disk full, read-only, database
/// down). Mapped to 503 STORAGE_UNAVAILABLE; nothing of the operation was applied.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }
}
