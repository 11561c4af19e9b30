using System.Globalization;
using System.Net;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Server.Tests.Process;

internal sealed partial class DurabilityWorkload
{
    private const int ListingPageSize = 37;

    /// <summary>
    /// Reads every key from a restarted server and checks it against the model: acknowledged
    /// writes and deletes are there unless a later unknown-outcome request replaced them, every
    /// value is byte-exact one that was written, and the listing is the live keys in UTF-8 order.
    /// Then settles the model to what was read. Returns the problems found (empty when none).
    /// </summary>
    public async Task<List<string>> VerifyAsync(AdminSession session)
    {
        using var client = session.CreateClient();
        var problems = new List<string>();
        var live = new HashSet<string>(StringComparer.Ordinal);

        foreach (var key in _owned)
        {
            var value = await ReadAsync(client, session, key.Key);
            var observed = IdentifyBinary(key, value, problems);
            if (value is not null)
            {
                live.Add(key.Key);
            }

            CheckOwned(key, observed, problems);
            key.Current = observed;
            key.Pending = null;
        }

        foreach (var hot in _hot)
        {
            var value = await ReadAsync(client, session, hot.Key);
            var counter = value is null ? null : DurabilityValues.ParseHot(hot.Key, value.StringValue);
            if (value is not null)
            {
                live.Add(hot.Key);
                if (value.ValueType != ValueTypes.String || counter is null || !hot.Written.Contains(counter.Value))
                {
                    problems.Add($"hot key '{hot.Key}' holds {value.ValueType} '{value.StringValue}', which was never written to it (half-written or corrupted)");
                }
            }

            CheckHot(hot, value is null ? null : counter ?? -1, problems);
            hot.Current = counter;
            hot.CycleOps.Clear();
        }

        await CheckListingAsync(client, session, live, problems);
        return problems;
    }

    private static async Task<ValueDto?> ReadAsync(StowageClient client, AdminSession session, string key)
    {
        try
        {
            return await client.GetValueAsync(session.OrganizationId, session.EnvironmentId, StoreId, Partition, key);
        }
        catch (StowageApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Which version the bytes are; null when absent. A value matching no version is reported and counted as -1.</summary>
    private long? IdentifyBinary(OwnedKey key, ValueDto? value, List<string> problems)
    {
        if (value is null)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = value.ValueType == ValueTypes.Binary && value.BinaryValue is not null
                ? Convert.FromBase64String(value.BinaryValue)
                : throw new FormatException($"valueType {value.ValueType}");
        }
        catch (FormatException e)
        {
            problems.Add($"'{key.Key}' is not a readable BINARY value ({e.Message})");
            return -1;
        }

        // Likely candidates first; then every version ever sent, to tell stale from corrupt.
        var candidates = new[] { key.Current, key.Pending?.Version }.OfType<long>()
            .Concat(Enumerable.Range(1, (int)key.NextVersion - 1).Select(v => (long)v).Reverse());
        foreach (var version in candidates.Where(v => v > 0).Distinct())
        {
            if (bytes.AsSpan().SequenceEqual(DurabilityValues.Binary(_seed, key.Key, version)))
            {
                return version;
            }
        }

        problems.Add($"'{key.Key}' holds {bytes.Length} bytes that match no value ever written to it (half-written or corrupted)");
        return -1;
    }

    private static void CheckOwned(OwnedKey key, long? observed, List<string> problems)
    {
        if (observed == -1 || observed == key.Current)
        {
            return;
        }

        var pending = key.Pending;
        var pendingResult = pending?.Kind == WriteKind.Delete ? null : pending?.Version;
        if (pending is not null && observed == pendingResult)
        {
            return;
        }

        var expected = key.Current is null ? "absent" : $"v{key.Current}";
        var found = observed is null ? "absent" : $"v{observed}";
        var allowed = pending is null ? string.Empty : $" or the result of {pending}";
        problems.Add($"'{key.Key}' is {found}, expected {expected} after {key.LastAcknowledged?.ToString() ?? "an earlier restart"}{allowed}");
    }

    /// <summary>
    /// Linearizability for concurrent overwrites and deletes: what is read (a value, or absence)
    /// may come from an unacknowledged request, or from an acknowledged one that no other
    /// acknowledged request started after; the state settled before this cycle survives only if
    /// nothing this cycle was acknowledged. Absence needs a delete (any one) that qualifies.
    /// </summary>
    private static void CheckHot(HotKey hot, long? observed, List<string> problems)
    {
        var acked = hot.CycleOps.Where(o => o.Acknowledged).ToList();
        var lastSent = acked.MaxBy(o => o.SendSeq);
        if (observed == -1)
        {
            return;
        }

        bool Superseded(WriteOp source) => source.Acknowledged && acked.Any(o => o.SendSeq > source.AckSeq);

        if (observed is null)
        {
            var deletes = hot.CycleOps.Where(o => o.Kind == WriteKind.DeleteHot).ToList();
            var settledAbsent = hot.Current is null && acked.Count == 0;
            if (!settledAbsent && !deletes.Any(d => !Superseded(d)))
            {
                problems.Add(
                    $"hot key '{hot.Key}' is absent, but it held {hot.Current?.ToString(CultureInfo.InvariantCulture) ?? "nothing"} and no delete can explain it: "
                    + $"{acked.Count} requests were acknowledged since, the last sent being {lastSent}");
            }

            return;
        }

        var source = hot.CycleOps.FirstOrDefault(o => o.Kind == WriteKind.PutHot && o.Version == observed);
        if (source is null)
        {
            if (observed != hot.Current || acked.Count > 0)
            {
                problems.Add($"hot key '{hot.Key}' holds counter {observed}, older than {(acked.Count > 0 ? $"acknowledged {lastSent}" : $"the settled counter {hot.Current}")}");
            }

            return;
        }

        var newer = acked.Where(o => source.Acknowledged && o.SendSeq > source.AckSeq).MaxBy(o => o.SendSeq);
        if (newer is not null)
        {
            problems.Add($"hot key '{hot.Key}' holds {source}, but {newer} was sent after that one was acknowledged and must have replaced it");
        }
    }

    private async Task CheckListingAsync(StowageClient client, AdminSession session, HashSet<string> live, List<string> problems)
    {
        var listed = new List<string>();
        try
        {
            await foreach (var key in client.ListKeysAsync(session.OrganizationId, session.EnvironmentId, StoreId, Partition, pageSize: ListingPageSize))
            {
                listed.Add(key);
            }
        }
        catch (StowageApiException e) when (e.Code == "PARTITION_NOT_FOUND")
        {
            // A partition exists once a key was written to it and outlives its last key, so it
            // may be missing only while no key write was ever acknowledged and none reads back
            // (e.g. a kill before the first write's answer, with only deletes of absent keys answered).
            if (live.Count > 0 || Volatile.Read(ref _keyWriteAcknowledged) != 0)
            {
                problems.Add(
                    $"partition '{Partition}' does not exist, though {(live.Count > 0 ? $"{live.Count} of its keys read back" : "a write to it was acknowledged")}: {e.Message}");
            }
        }
        catch (StowageApiException e)
        {
            problems.Add($"listing failed: HTTP {e.Status} {e.Code}: {e.Message}");
            return;
        }

        for (var i = 1; i < listed.Count; i++)
        {
            if (DurabilityValues.CompareUtf8(listed[i - 1], listed[i]) >= 0)
            {
                problems.Add($"listing is not in ascending UTF-8 order: '{listed[i - 1]}' before '{listed[i]}'");
            }
        }

        var missing = live.Except(listed, StringComparer.Ordinal).ToList();
        var extra = listed.Except(live, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            problems.Add($"listing differs from the keys that read back: missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}]");
        }
    }
}
