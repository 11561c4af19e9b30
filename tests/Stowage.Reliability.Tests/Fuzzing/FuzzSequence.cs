using System.Text.Json;

namespace Stowage.Reliability.Tests.Fuzzing;

/// <summary>
/// Runs one generated sequence in an environment of its own (created first, deleted last, so
/// sequences on parallel threads never see each other), checking every answer against the
/// model as it goes and the whole environment against the model at the end.
/// </summary>
internal sealed partial class FuzzSequence(FuzzHttp http, string organizationId)
{
    private readonly StoreModel _model = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private string _environmentId = string.Empty;
    private string _environmentName = string.Empty;

    private string Stores => $"/api/v1/organizations/{organizationId}/environments/{_environmentId}/stores";

    private string Environments => $"/accounts/api/organizations/{organizationId}/environments";

    public async Task RunAsync(IReadOnlyList<FuzzOp> ops)
    {
        _environmentName = $"fuzz-{_suffix}";
        var created = await http.SendAsync(HttpMethod.Post, Environments, $"{{\"name\":\"{_environmentName}\",\"type\":\"sandbox\"}}");
        Expect(created.Status == 201, "creating the environment", created);
        _environmentId = created.Json.GetProperty("id").GetString()!;
        try
        {
            for (var i = 0; i < ops.Count; i++)
            {
                try
                {
                    await ApplyAsync(ops[i]);
                }
                catch (Exception e) when (e is not FuzzMismatchException)
                {
                    throw new FuzzMismatchException($"op {i} ({ops[i]}): {e.Message}", e);
                }
            }

            await VerifyAsync();
        }
        finally
        {
            var deleted = await http.SendAsync(HttpMethod.Delete, $"{Environments}/{_environmentId}");
            Expect(deleted.Status == 204, "deleting the environment", deleted);
        }
    }

    private string StorePath(FuzzOp op) => $"{Stores}/{FuzzPools.Segment(op.StoreId)}";

    private string PartitionPath(FuzzOp op) => $"{StorePath(op)}/partitions/{FuzzPools.Segment(op.PartitionName)}";

    private string KeyPath(FuzzOp op) => $"{PartitionPath(op)}/keys/{FuzzPools.Segment(op.KeyId)}";

    private async Task ApplyAsync(FuzzOp op)
    {
        var (s, p, k) = (op.StoreId, op.PartitionName, op.KeyId);
        switch (op.Kind)
        {
            case OpKind.PutStore:
                var putStore = await http.SendAsync(HttpMethod.Put, StorePath(op), "{}");
                ExpectStatus(_model.HasStore(s) ? 200 : 201, putStore);
                Expect(putStore.Json.GetProperty("storeId").GetString() == s, "storeId echoed", putStore);
                _model.Stores.TryAdd(s, new(Utf8Order.Instance));
                break;
            case OpKind.GetStore:
                var getStore = await http.SendAsync(HttpMethod.Get, StorePath(op));
                ExpectOutcome(_model.HasStore(s) ? null : "STORE_NOT_FOUND", 200, getStore);
                break;
            case OpKind.DeleteStore:
                var deleteStore = await http.SendAsync(HttpMethod.Delete, StorePath(op));
                ExpectOutcome(_model.HasStore(s) ? null : "STORE_NOT_FOUND", 204, deleteStore);
                _model.Stores.Remove(s);
                break;
            case OpKind.ListStores:
                await CheckStoresAsync();
                break;
            case OpKind.PutKey:
                var value = FuzzPools.Value(op.Value);
                var putKey = await http.SendAsync(HttpMethod.Put, KeyPath(op), value.Body);
                if (!_model.HasStore(s))
                {
                    ExpectOutcome("STORE_NOT_FOUND", 0, putKey);
                    break;
                }

                ExpectStatus(_model.Value(s, p, k) is null ? 201 : 200, putKey);
                CheckValue(value, k, putKey);
                _model.Put(s, p, k, value);
                break;
            case OpKind.GetKey:
                var getKey = await http.SendAsync(HttpMethod.Get, KeyPath(op));
                var expected = _model.Value(s, p, k);
                ExpectOutcome(!_model.HasStore(s) ? "STORE_NOT_FOUND" : expected is null ? "KEY_NOT_FOUND" : null, 200, getKey);
                if (expected is not null)
                {
                    CheckValue(expected, k, getKey);
                }

                break;
            case OpKind.DeleteKey:
                var deleteKey = await http.SendAsync(HttpMethod.Delete, KeyPath(op));
                ExpectOutcome(!_model.HasStore(s) ? "STORE_NOT_FOUND" : _model.Value(s, p, k) is null ? "KEY_NOT_FOUND" : null, 204, deleteKey);
                _model.Keys(s, p)?.Remove(k);
                break;
            case OpKind.ListKeys:
                await CheckKeysAsync(s, p, pageSize: 7);
                break;
            case OpKind.ListValues:
                await CheckValuesAsync(s, p, pageSize: 5);
                break;
            case OpKind.ListPartitions:
                await CheckPartitionsAsync(s, pageSize: 3);
                break;
            case OpKind.ClearPartition:
                var clear = await http.SendAsync(HttpMethod.Delete, $"{PartitionPath(op)}/keys");
                ExpectOutcome(PartitionError(s, p), 204, clear);
                _model.Keys(s, p)?.Clear();
                break;
            case OpKind.DeletePartition:
                var deletePartition = await http.SendAsync(HttpMethod.Delete, PartitionPath(op));
                ExpectOutcome(PartitionError(s, p), 204, deletePartition);
                _model.Partitions(s)?.Remove(p);
                break;
            case OpKind.DeleteAllPartitions:
                var deleteAll = await http.SendAsync(HttpMethod.Delete, $"{StorePath(op)}/partitions");
                ExpectOutcome(_model.HasStore(s) ? null : "STORE_NOT_FOUND", 204, deleteAll);
                _model.Partitions(s)?.Clear();
                break;
            case OpKind.RenameEnvironment:
                var name = FuzzPools.EnvironmentNames[op.Value % FuzzPools.EnvironmentNames.Length] + "-" + _suffix;
                var rename = await http.SendAsync(HttpMethod.Put, $"{Environments}/{_environmentId}", JsonSerializer.Serialize(new { name }));
                ExpectStatus(200, rename);
                _environmentName = name.Trim();
                break;
            case OpKind.ListEnvironments:
                await CheckEnvironmentAsync();
                break;
            default:
                await SendHostileAsync(op);
                break;
        }
    }

    private string? PartitionError(string store, string partition) =>
        !_model.HasStore(store) ? "STORE_NOT_FOUND" : _model.Keys(store, partition) is null ? "PARTITION_NOT_FOUND" : null;

    private static void CheckValue(ModelValue expected, string key, FuzzResponse response)
    {
        var json = response.Json;
        Expect(json.GetProperty("keyId").GetString() == key, $"keyId '{key}'", response);
        Expect(json.GetProperty("valueType").GetString() == expected.ValueType, $"valueType {expected.ValueType}", response);
        var member = json.GetProperty(expected.Member);

        // Strings compare by content (escaping is the serializer's choice); numbers by their exact text.
        var same = expected.ValueType == "NUMBER"
            ? member.GetRawText() == expected.Json
            : member.ValueKind == JsonValueKind.String && member.GetString() == JsonSerializer.Deserialize<string>(expected.Json);
        Expect(same, $"{expected.Member} {Short(expected.Json)}", response);
    }

    /// <summary>404 with <paramref name="errorCode"/>, or <paramref name="success"/> when the code is null.</summary>
    private static void ExpectOutcome(string? errorCode, int success, FuzzResponse response)
    {
        if (errorCode is null)
        {
            ExpectStatus(success, response);
            return;
        }

        Expect(response.Status == 404 && response.Code == errorCode, $"404 {errorCode}", response);
    }

    private static void ExpectStatus(int status, FuzzResponse response) => Expect(response.Status == status, $"status {status}", response);

    private static void Expect(bool condition, string what, FuzzResponse response)
    {
        if (!condition)
        {
            throw new FuzzMismatchException($"expected {what}, got {response}");
        }
    }

    private static string Short(string text) => text.Length > 80 ? text[..80] + "…" : text;
}

/// <summary>The server and the model disagree.</summary>
internal sealed class FuzzMismatchException : Exception
{
    public FuzzMismatchException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public FuzzMismatchException()
    {
    }

    public FuzzMismatchException(string message)
        : base(message)
    {
    }
}
