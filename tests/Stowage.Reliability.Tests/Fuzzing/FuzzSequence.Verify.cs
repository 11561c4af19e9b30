using System.Text.Json;

namespace Stowage.Reliability.Tests.Fuzzing;

internal sealed partial class FuzzSequence
{
    /// <summary>The whole environment against the model: stores, partitions, keys, values.</summary>
    private async Task VerifyAsync()
    {
        await CheckStoresAsync();
        foreach (var (store, partitions) in _model.Stores)
        {
            await CheckPartitionsAsync(store, pageSize: 1000);
            foreach (var partition in partitions.Keys)
            {
                await CheckValuesAsync(store, partition, pageSize: 1000);
            }
        }

        await CheckEnvironmentAsync();
    }

    private async Task CheckStoresAsync()
    {
        var listed = await ListAsync($"{Stores}?pageSize=1000", e => e.GetProperty("storeId").GetString()!);
        AssertSequence(_model.Stores.Keys, listed, "stores");
    }

    private async Task CheckPartitionsAsync(string store, int pageSize)
    {
        var path = $"{Stores}/{FuzzPools.Segment(store)}/partitions?pageSize={pageSize}";
        if (!_model.HasStore(store))
        {
            var missing = await http.SendAsync(HttpMethod.Get, path);
            ExpectOutcome("STORE_NOT_FOUND", 200, missing);
            return;
        }

        var listed = await ListAsync(path, e => e.GetString()!);
        AssertSequence(_model.Partitions(store)!.Keys, listed, $"partitions of '{store}'");
    }

    private async Task CheckKeysAsync(string store, string partition, int pageSize)
    {
        var path = $"{Stores}/{FuzzPools.Segment(store)}/partitions/{FuzzPools.Segment(partition)}/keys?pageSize={pageSize}";
        if (PartitionError(store, partition) is { } error)
        {
            ExpectOutcome(error, 200, await http.SendAsync(HttpMethod.Get, path));
            return;
        }

        var listed = await ListAsync(path, e => e.GetProperty("keyId").GetString()!);
        AssertSequence(_model.Keys(store, partition)!.Keys, listed, $"keys of '{store}'/'{partition}'");
    }

    private async Task CheckValuesAsync(string store, string partition, int pageSize)
    {
        var path = $"{Stores}/{FuzzPools.Segment(store)}/partitions/{FuzzPools.Segment(partition)}/values?pageSize={pageSize}";
        if (PartitionError(store, partition) is { } error)
        {
            ExpectOutcome(error, 200, await http.SendAsync(HttpMethod.Get, path));
            return;
        }

        var listed = await ListAsync(path, e => e.Clone());
        var keys = _model.Keys(store, partition)!;
        AssertSequence(keys.Keys, listed.Select(v => v.GetProperty("keyId").GetString()!).ToList(), $"values of '{store}'/'{partition}'");
        foreach (var value in listed)
        {
            var expected = keys[value.GetProperty("keyId").GetString()!];
            var response = new FuzzResponse(200, "application/json", value.GetRawText());
            CheckValue(expected, value.GetProperty("keyId").GetString()!, response);
        }
    }

    private async Task CheckEnvironmentAsync()
    {
        var list = await http.SendAsync(HttpMethod.Get, Environments);
        ExpectStatus(200, list);
        var mine = list.Json.GetProperty("data").EnumerateArray().Where(e => e.GetProperty("id").GetString() == _environmentId).ToList();
        Expect(mine.Count == 1 && mine[0].GetProperty("name").GetString() == _environmentName, $"environment named '{_environmentName}'", list);
    }

    /// <summary>Follows nextPageToken to the end; each page must be full except the last.</summary>
    private async Task<List<T>> ListAsync<T>(string firstPage, Func<JsonElement, T> select)
    {
        var items = new List<T>();
        var path = firstPage;
        for (var page = 0; page < 10_000; page++)
        {
            var response = await http.SendAsync(HttpMethod.Get, path);
            ExpectStatus(200, response);
            var json = response.Json;
            items.AddRange(json.GetProperty("values").EnumerateArray().Select(select));
            var next = json.GetProperty("nextPageToken");
            if (next.ValueKind == JsonValueKind.Null)
            {
                return items;
            }

            path = $"{firstPage}&nextPageToken={Uri.EscapeDataString(next.GetString()!)}";
        }

        throw new FuzzMismatchException($"{firstPage}: paging never ended");
    }

    private static void AssertSequence(IEnumerable<string> expected, IReadOnlyList<string> actual, string what)
    {
        var expectedList = expected.ToList();
        if (!expectedList.SequenceEqual(actual, StringComparer.Ordinal))
        {
            throw new FuzzMismatchException(
                $"{what}: expected [{string.Join(", ", expectedList.Select(Printable))}], server listed [{string.Join(", ", actual.Select(Printable))}]");
        }
    }

    private static string Printable(string text) => text.Length > 40 ? $"'{text[..20]}…' ({text.Length} chars)" : $"'{text}'";
}
