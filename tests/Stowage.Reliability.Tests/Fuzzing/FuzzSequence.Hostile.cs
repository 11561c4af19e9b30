using System.Text;

namespace Stowage.Reliability.Tests.Fuzzing;

internal sealed partial class FuzzSequence
{
    private static readonly string HugeValue = $"{{\"valueType\":\"STRING\",\"stringValue\":\"{new string('h', 10 * 1024 * 1024 + 1)}\"}}";

    /// <summary>
    /// Requests no correct client sends. Each must be refused with a 4xx (a JSON problem with
    /// message and code, but for the bare 400s HTTP itself gives) and change nothing, which the
    /// final comparison with the model shows.
    /// </summary>
    private async Task SendHostileAsync(FuzzOp op)
    {
        var key = KeyPath(op);
        var partition = PartitionPath(op);
        var good = FuzzPools.Value(op.Value).Body;
        var store = $"{Stores}/{FuzzPools.Segment(op.StoreId)}";
        (int? Status, FuzzResponse Response) result = op.Hostile switch
        {
            0 => (400, await Put(key, "{\"valueType\":")),
            1 => (400, await Put(key, "{\"valueType\":\"STRING\",\"stringValue\":\"a\",\"stringValue\":\"b\"}")),
            2 => (400, await Put(key, "[]")),
            3 => (400, await Put(key, "{\"valueType\":\"FOO\",\"stringValue\":\"a\"}")),
            4 => (400, await Put(key, "{\"valueType\":\"BINARY\",\"binaryValue\":\"not base64!\"}")),
            5 => (413, await Put(key, HugeValue)),
            6 => (415, await http.SendAsync(HttpMethod.Put, key, configure: r => r.Content = new StringContent(good, Encoding.UTF8, "text/plain"))),
            7 => (401, await http.SendAsync(HttpMethod.Get, key, authorize: false, configure: r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer not.a.token!~"))),
            8 => (401, await http.SendAsync(HttpMethod.Get, key, authorize: false, configure: r => r.Headers.TryAddWithoutValidation("Authorization", "Basic YWRtaW46YWRtaW4="))),
            9 => (401, await http.SendAsync(HttpMethod.Put, key, good, authorize: false)),
            10 => (400, await http.SendAsync(HttpMethod.Put, key, good, r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"abc\""))),
            11 => (400, await http.SendAsync(HttpMethod.Put, key, good, r =>
            {
                r.Headers.TryAddWithoutValidation("If-Match", "\"abc\"");
                r.Headers.TryAddWithoutValidation("If-None-Match", "*");
            })),
            12 => (400, await Put($"{partition}/keys/", good)),
            13 => (400, await Put($"{partition}/keys/%20%20", good)),
            14 => (400, await Put($"{partition}/keys/a%7Cb", good)),
            15 => (400, await Put($"{partition}/keys/a%01b", good)),
            16 => (400, await Put($"{partition}/keys/{new string('k', 1025)}", good)),
            17 => (400, await Put($"{partition}/keys/.", good)),
            18 => (400, await Put($"{partition}/keys/%2E%2E", good)),
            19 => (400, await Put($"{partition}/keys/a%zzb", good)),
            20 => (400, await Put($"{partition}/keys/%ED%A0%80", good)),
            21 => (400, await Put($"{partition}//keys/k", good)),
            22 => (400, await Get($"{partition}/keys?pageSize=0")),
            23 => (400, await Get($"{store}/partitions?pageSize=abc")),
            24 => (null, await Get($"{partition}/keys?nextPageToken=Zm9yZ2Vk")),
            25 => (431, await http.SendAsync(HttpMethod.Get, key, configure: r => r.Headers.TryAddWithoutValidation("X-Filler", new string('x', 40 * 1024)))),
            26 => (400, await http.SendAsync(HttpMethod.Put, key, rawBody: [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D])),
            27 => (400, await Put(key, new string('[', 100) + new string(']', 100))),
            28 => (400, await http.SendAsync(HttpMethod.Put, $"{Stores}/{new string('s', 257)}", "{}")),
            29 => (400, await Put(key, "{\"valueType\":\"STRING\",\"stringValue\":\"a\",\"ttlSeconds\":\"10\"}")),
            30 => (400, await http.SendAsync(HttpMethod.Put, store, "{\"encrypted\":\"yes\"}")),
            31 => (405, await http.SendAsync(HttpMethod.Patch, key, good)),
            32 => (400, await http.SendAsync(HttpMethod.Post, "/accounts/api/v2/oauth2/token", authorize: false, configure: r =>
                r.Content = new StringContent("grant_type=client_credentials&client_id=%zz", Encoding.UTF8, "application/x-www-form-urlencoded"))),
            33 => (400, await http.SendAsync(HttpMethod.Post, "/accounts/login", "{\"username\":", authorize: false)),
            34 => (400, await Put(key, "{\"keyId\":\"someone-else\",\"valueType\":\"STRING\",\"stringValue\":\"a\"}")),
            35 => (400, await Get($"{partition}/keys?pageSize=5&pageSize=6")),
            36 => (null, await http.SendAsync(HttpMethod.Post, $"{key}/confirm", "{\"confirmationId\":\"00000000000000000000000000000000\"}")),
            _ => (400, await http.SendAsync(HttpMethod.Post, Environments, "not json")),
        };

        var (status, response) = result;
        Expect(response.Status is >= 400 and < 500 && (status is null || response.Status == status), $"a {status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "4xx"} refusal", response);
        if (op.Hostile == 32)
        {
            // The token endpoint speaks RFC 6749: {"error": …}.
            Expect(response.MediaType == "application/json" && response.Json.GetProperty("error").GetString() is { Length: > 0 }, "an OAuth error", response);
            return;
        }

        Expect(
            response.MediaType == "application/problem+json"
            && response.Json.GetProperty("message").GetString() is { Length: > 0 } && response.Code is { Length: > 0 },
            "problem+json with message and code",
            response);
    }

    private Task<FuzzResponse> Put(string path, string body) => http.SendAsync(HttpMethod.Put, path, body);

    private Task<FuzzResponse> Get(string path) => http.SendAsync(HttpMethod.Get, path);
}
