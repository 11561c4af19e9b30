using System.Collections.Concurrent;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite;

public sealed partial class SqliteObjectStoreRepository
{
    private readonly EncryptionHints _encryption = new();

    /// <summary>
    /// Whether each store encrypted its values when last seen, so a value can be encrypted
    /// before it is queued for the writer. Only a guess: the write transaction reads the
    /// store's setting itself, so a wrong guess costs one wasted or one in-writer encryption,
    /// never a value stored the wrong way. Bounded, since nothing tells this node about
    /// stores that other nodes delete.
    /// </summary>
    private sealed class EncryptionHints
    {
        private const int MaxStores = 10_000;
        private readonly ConcurrentDictionary<StoreAddress, bool> _encrypts = new();
        private int _count;

        /// <summary>Stores not seen yet are guessed to encrypt, as stores do by default.</summary>
        public bool Guess(StoreAddress store) => !_encrypts.TryGetValue(store, out var encrypts) || encrypts;

        public void Saw(StoreAddress store, bool encrypts)
        {
            if (_encrypts.TryGetValue(store, out var known))
            {
                if (known != encrypts)
                {
                    _encrypts[store] = encrypts;
                }

                return;
            }

            if (Interlocked.Increment(ref _count) > MaxStores)
            {
                _encrypts.Clear();
                Interlocked.Exchange(ref _count, 0);
            }

            _encrypts[store] = encrypts;
        }
    }
}
