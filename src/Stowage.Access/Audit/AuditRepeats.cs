using System.Globalization;

namespace Stowage.Access.Audit;

/// <summary>
/// Folds repeats of an entry anyone can cause at will (a refused token request, a failed
/// sign-in): the first of a window is recorded as it is, the ones after it within
/// <see cref="Window"/> become one entry that counts them. "The same entry" means the same
/// organization, actor, action, object and detail from any address; the addresses are kept
/// with the count (the first <see cref="MaxAddresses"/> of them). At most
/// <see cref="Capacity"/> entries are followed at once: past that, every open count is
/// closed early, so memory stays bounded and no refusal goes uncounted.
/// </summary>
internal sealed class AuditRepeats(TimeSpan window, int capacity, Action<AuditEntry> emit)
{
    public const int MaxAddresses = 8;

    private readonly Lock _gate = new();
    private readonly Dictionary<AuditEntry, Fold> _folds = [];

    public TimeSpan Window => window;

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _folds.Count;
            }
        }
    }

    /// <summary>True when <paramref name="entry"/> repeats one recorded within the window (it is counted, not recorded); false when it is the first and the caller records it.</summary>
    public bool TryFold(AuditEntry entry)
    {
        var key = entry with { Timestamp = default, ClientIp = null };
        lock (_gate)
        {
            if (_folds.TryGetValue(key, out var fold))
            {
                if (entry.Timestamp - fold.Opened < window)
                {
                    fold.Add(entry.Timestamp, entry.ClientIp);
                    return true;
                }

                Close(key, fold);
                _folds.Remove(key);
            }
            else if (_folds.Count >= capacity)
            {
                foreach (var (openKey, open) in _folds)
                {
                    Close(openKey, open);
                }

                _folds.Clear();
            }

            _folds[key] = new Fold(entry.Timestamp);
            return false;
        }
    }

    /// <summary>
    /// Emits the count of every window that has ended by <paramref name="now"/> and forgets it;
    /// with <paramref name="all"/>, also the counts so far of open windows, which stay open.
    /// </summary>
    public void Close(DateTimeOffset now, bool all)
    {
        lock (_gate)
        {
            List<AuditEntry>? ended = null;
            foreach (var (key, fold) in _folds)
            {
                if (now - fold.Opened >= window)
                {
                    Close(key, fold);
                    (ended ??= []).Add(key);
                }
                else if (all)
                {
                    Close(key, fold);
                }
            }

            foreach (var key in ended ?? [])
            {
                _folds.Remove(key);
            }
        }
    }

    private void Close(AuditEntry key, Fold fold)
    {
        if (fold.Repeats == 0)
        {
            return;
        }

        var since = fold.FirstRepeat.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var detail = string.Create(CultureInfo.InvariantCulture, $"{key.Detail}{(key.Detail is null ? null : " ")}repeated={fold.Repeats} since={since}");
        if (fold.Addresses.Count > 1 || fold.MoreAddresses)
        {
            detail += " addresses=" + string.Join(',', fold.Addresses) + (fold.MoreAddresses ? ",…" : string.Empty);
        }

        var single = fold.Addresses.Count == 1 && !fold.MoreAddresses ? fold.Addresses[0] : null;
        emit(key with { Timestamp = fold.LastRepeat, ClientIp = single, Detail = detail });
        fold.Reset();
    }

    private sealed class Fold(DateTimeOffset opened)
    {
        public DateTimeOffset Opened { get; } = opened;

        public long Repeats { get; private set; }

        public DateTimeOffset FirstRepeat { get; private set; }

        public DateTimeOffset LastRepeat { get; private set; }

        public List<string> Addresses { get; } = [];

        public bool MoreAddresses { get; private set; }

        public void Add(DateTimeOffset at, string? address)
        {
            if (Repeats++ == 0)
            {
                FirstRepeat = at;
            }

            LastRepeat = at;
            if (address is null || Addresses.Contains(address))
            {
                return;
            }

            if (Addresses.Count < MaxAddresses)
            {
                Addresses.Add(address);
            }
            else
            {
                MoreAddresses = true;
            }
        }

        public void Reset()
        {
            Repeats = 0;
            Addresses.Clear();
            MoreAddresses = false;
        }
    }
}
