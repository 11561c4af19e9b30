using Stowage.Core.Paging;

namespace Stowage.Server.Tests.BadInput;

/// <summary>Rows about the request line and headers: paging, ids, paths, routes, credentials.</summary>
public static partial class MalformedRequestCases
{
    private static readonly (string Name, string Path, char Kind)[] Listings =
    [
        ("stores", Stores, 's'),
        ("partitions", Partitions, 'p'),
        ("keys", Keys, 'k'),
        ("values", Values, 'v'),
    ];

    private static IEnumerable<MalformedCase> Paging()
    {
        foreach (var (listing, path, kind) in Listings)
        {
            var otherKind = kind == 's' ? 'k' : 's';
            (string Name, string Token)[] tokens =
            [
                ("random text", "not-a-token!"),
                ("valid base64url of junk", "hellow"),
                ("standard base64 alphabet", "AXM+/w=="),
                ("token of another listing", PageToken.Encode(otherKind, "k1")),
                ("wrong version", Base64Url([2, (byte)kind, (byte)'a'])),
                ("no id", Base64Url([1, (byte)kind])),
                ("invalid UTF-8 id", Base64Url([1, (byte)kind, 0xFF, 0xFE])),
                ("overlong", new string('A', 8196)),
            ];
            foreach (var (name, token) in tokens)
            {
                yield return Get($"Page token on {listing}: {name}", path + "?nextPageToken=" + Uri.EscapeDataString(token), 400, "INVALID_PAGE_TOKEN");
            }

            var valid = PageToken.Encode(kind, "a");
            yield return Get($"Page token on {listing}: given twice", $"{path}?nextPageToken={valid}&nextPageToken={valid}", 400, "INVALID_QUERY_PARAMETER");

            foreach (var size in (string[])["0", "-1", "1001", "1.5", "abc", "%205", "%2B5", "1e2", "99999999999", "0x10", "%EF%BC%95"])
            {
                yield return Get($"pageSize on {listing}: {Uri.UnescapeDataString(size)}", $"{path}?pageSize={size}", 400, "INVALID_PAGE_SIZE");
            }

            yield return Get($"pageSize on {listing}: given twice", $"{path}?pageSize=5&pageSize=5", 400, "INVALID_QUERY_PARAMETER");
            yield return Get(
                $"beginsWith on {listing}: " + (kind == 'p' ? "not supported" : "longer than a key"),
                $"{path}?beginsWith={new string('a', 1025)}",
                400,
                "INVALID_QUERY_PARAMETER");
        }

        yield return Get("Page token on keys: invalid percent escape", Keys + "?nextPageToken=%zz", 400, "INVALID_PAGE_TOKEN");
        yield return Get("Page token on keys: percent-encoded non-UTF-8 byte", Keys + "?nextPageToken=AXM%FF", 400, "INVALID_PAGE_TOKEN");
        yield return Get("pageSize on keys: percent-encoded NUL", Keys + "?pageSize=5%00", 400, "INVALID_PAGE_SIZE");
        yield return Get("beginsWith on keys: given twice", $"{Keys}?beginsWith=a&beginsWith=b", 400, "INVALID_QUERY_PARAMETER");
    }

    private static IEnumerable<MalformedCase> BadKeys()
    {
        (string Name, string Segment)[] keys =
        [
            ("one space", "%20"),
            ("three spaces", "%20%20%20"),
            ("tab", "%09"),
            ("CR LF", "%0D%0A"),
            ("encoded pipe", "a%7Cb"),
            ("raw pipe", "a|b"),
            ("only a pipe", "%7C"),
            ("1025 ASCII bytes", new string('a', 1025)),
            ("1026 bytes in 513 characters", string.Concat(Enumerable.Repeat("%C3%A9", 513))),
            ("SOH", "%01"),
            ("unit separator", "a%1Fb"),
            ("DEL", "%7F"),
            ("C1 control", "a%C2%80b"),
            ("line feed inside", "a%0Ab"),
        ];
        foreach (var (name, segment) in keys)
        {
            yield return new($"Key on PUT: {name}", "PUT", Keys + "/" + segment, 400, "INVALID_KEY") { ContentType = Json, Body = Utf8(ValidValue) };
        }

        foreach (var (name, segment) in keys.Where((_, i) => i % 2 == 0))
        {
            yield return Get($"Key on GET: {name}", Keys + "/" + segment, 400, "INVALID_KEY");
        }

        foreach (var (name, segment) in keys.Where((_, i) => i % 2 == 1))
        {
            yield return new($"Key on DELETE: {name}", "DELETE", Keys + "/" + segment, 400, "INVALID_KEY");
        }

        foreach (var (name, segment) in keys.Where((_, i) => i % 4 == 0))
        {
            yield return new($"Key on HEAD: {name}", "HEAD", Keys + "/" + segment, 400, "INVALID_KEY");
        }
    }

    private static IEnumerable<MalformedCase> BadStoreIds()
    {
        (string Name, string Segment)[] ids =
        [
            ("257 characters", new string('s', 257)),
            ("257 two-byte characters", string.Concat(Enumerable.Repeat("%C3%A9", 257))),
            ("one space", "%20"),
            ("tab", "%09"),
            ("SOH inside", "a%01b"),
            ("DEL", "%7F"),
            ("C1 control", "%C2%9F"),
        ];
        foreach (var (name, segment) in ids)
        {
            yield return Get($"Store id on GET: {name}", Stores + "/" + segment, 400, "INVALID_STORE_ID");
            yield return new($"Store id on PUT: {name}", "PUT", Stores + "/" + segment, 400, "INVALID_STORE_ID") { ContentType = Json, Body = Utf8(ValidSettings) };
        }

        foreach (var (name, segment) in ids.Take(4))
        {
            yield return new($"Store id on DELETE: {name}", "DELETE", Stores + "/" + segment, 400, "INVALID_STORE_ID");
            yield return Get($"Store id on partition listing: {name}", Stores + "/" + segment + "/partitions", 400, "INVALID_STORE_ID");
            yield return new($"Store id on value PUT: {name}", "PUT", Stores + "/" + segment + "/partitions/p1/keys/k1", 400, "INVALID_STORE_ID")
            {
                ContentType = Json,
                Body = Utf8(ValidValue),
            };
        }
    }

    private static IEnumerable<MalformedCase> BadPartitions()
    {
        (string Name, string Segment)[] partitions =
        [
            ("257 characters", new string('p', 257)),
            ("257 two-byte characters", string.Concat(Enumerable.Repeat("%C3%A9", 257))),
            ("one space", "%20"),
            ("tab", "%09"),
            ("SOH inside", "a%01b"),
            ("DEL", "%7F"),
        ];
        foreach (var (name, segment) in partitions)
        {
            var partition = Partitions + "/" + segment;
            yield return new($"Partition on DELETE: {name}", "DELETE", partition, 400, "INVALID_PARTITION");
            yield return new($"Partition on value PUT: {name}", "PUT", partition + "/keys/k1", 400, "INVALID_PARTITION") { ContentType = Json, Body = Utf8(ValidValue) };
            yield return Get($"Partition on key listing: {name}", partition + "/keys", 400, "INVALID_PARTITION");
        }

        foreach (var (name, segment) in partitions.Take(3))
        {
            yield return Get($"Partition on value listing: {name}", Partitions + "/" + segment + "/values", 400, "INVALID_PARTITION");
            yield return new($"Partition on clear: {name}", "DELETE", Partitions + "/" + segment + "/keys", 400, "INVALID_PARTITION");
        }
    }

    private static IEnumerable<MalformedCase> LargeHeaders()
    {
        const int status = 431;
        const string code = "HEADERS_TOO_LARGE";
        var one = new[] { KeyValuePair.Create("X-Padding", new string('h', 40 * 1024)) };
        var many = Enumerable.Range(0, 40).Select(i => KeyValuePair.Create($"X-Padding-{i}", new string('h', 1024))).ToArray();
        yield return Get("Headers: one 40 KB header on GET", K1, status, code) with { Headers = one };
        yield return new("Headers: one 40 KB header on PUT", "PUT", K1, status, code) { Headers = one, ContentType = Json, Body = Utf8(ValidValue) };
        yield return new("Headers: one 40 KB header on DELETE", "DELETE", K1, status, code) { Headers = one };
        yield return new("Headers: one 40 KB header on HEAD", "HEAD", K1, status, code) { Headers = one };
        yield return Get("Headers: 40 headers of 1 KB on GET", K1, status, code) with { Headers = many };
        yield return new("Headers: 40 headers of 1 KB on DELETE store", "DELETE", Store, status, code) { Headers = many };
        yield return Get("Headers: 40 KB cookie", K1, status, code) with { Headers = [KeyValuePair.Create("Cookie", "c=" + new string('c', 40 * 1024))] };
        yield return Get("Headers: 40 KB header without a token", K1, status, code) with { Headers = one, Authorization = null };
    }

    private static IEnumerable<MalformedCase> PathTricks()
    {
        const string code = "INVALID_PATH";
        (string Method, string Name, string Path)[] paths =
        [
            ("GET", "'..' back into stores", Stores + "/../stores/" + StoreId),
            ("DELETE", "'..' after keys", Keys + "/.."),
            ("DELETE", "'..' after a key", K1 + "/.."),
            ("GET", "'.' before partitions", Store + "/./partitions"),
            ("PUT", "'.' as a key", Keys + "/."),
            ("DELETE", "%2E%2E as a key", Keys + "/%2E%2E"),
            ("GET", "%2e%2e as a key", Keys + "/%2e%2e"),
            ("PUT", "%2E as a key", Keys + "/%2E"),
            ("GET", "%2e as a key", Keys + "/%2e"),
            ("DELETE", ".%2E as a key", Keys + "/.%2E"),
            ("GET", "%2E%2E back into stores", Stores + "/%2E%2E/stores/" + StoreId),
            ("DELETE", "%2e%2e as a store", Stores + "/%2e%2e"),
            ("PUT", "%zz in a key", Keys + "/%zz"),
            ("GET", "a%zz in a key", Keys + "/a%zz"),
            ("GET", "lone % in a key", Keys + "/%"),
            ("GET", "%2 in a key", Keys + "/a%2"),
            ("DELETE", "%G1 in a key", Keys + "/%G1"),
            ("PUT", "%C3 alone in a key", Keys + "/%C3"),
            ("GET", "%C3 followed by ASCII in a key", Keys + "/%C3a"),
            ("PUT", "overlong %C0%AF in a key", Keys + "/%C0%AF"),
            ("GET", "overlong %E0%80%AF in a key", Keys + "/%E0%80%AF"),
            ("PUT", "encoded surrogate %ED%A0%80 in a key", Keys + "/%ED%A0%80"),
            ("GET", "%FF in a key", Keys + "/%FF"),
            ("PUT", "beyond U+10FFFF in a key", Keys + "/%F4%90%80%80"),
            ("DELETE", "%C3 alone in a partition", Partitions + "/%C3"),
            ("GET", "%zz in a store id", Stores + "/%zz"),
            ("DELETE", "overlong %C0%AE%C0%AE as a store", Stores + "/%C0%AE%C0%AE"),
            ("GET", "double slash before the store", Stores + "//" + StoreId),
            ("GET", "double slash after api", "/api//v1/organizations/{org}/environments/{env}/stores/" + StoreId),
            ("PUT", "double slash before the key", Keys + "//k1"),
            ("DELETE", "double slash before keys", P1 + "//keys/k1"),
            ("DELETE", "double slash at the end", Keys + "//"),
            ("GET", "trailing slash after a key", K1 + "/"),
            ("PUT", "trailing slash after a key", K1 + "/"),
            ("PUT", "trailing slash after a store", Store + "/"),
            ("DELETE", "trailing slash after a store", Store + "/"),
            ("GET", "trailing slash after regions", "/api/v1/organizations/{org}/regions/"),
            ("HEAD", "'..' on HEAD", Keys + "/.."),
        ];
        foreach (var (method, name, path) in paths)
        {
            var row = new MalformedCase($"Path: {method} {name}", method, path, 400, code);
            var isKey = path.StartsWith(Keys, StringComparison.Ordinal);
            yield return method == "PUT" ? row with { ContentType = Json, Body = Utf8(isKey ? ValidValue : ValidSettings) } : row;
        }
    }

    private static IEnumerable<MalformedCase> EmptyIds()
    {
        yield return new("Empty id: DELETE key (trailing slash after keys)", "DELETE", Keys + "/", 400, "INVALID_KEY");
        yield return new("Empty id: PUT key (trailing slash after keys)", "PUT", Keys + "/", 400, "INVALID_KEY") { ContentType = Json, Body = Utf8(ValidValue) };
        yield return new("Empty id: POST key (trailing slash after keys)", "POST", Keys + "/", 400, "INVALID_KEY") { ContentType = Json, Body = Utf8(ValidValue) };
        yield return new("Empty id: POST on keys without a key", "POST", Keys, 400, "INVALID_KEY") { ContentType = Json, Body = Utf8(ValidValue) };
        yield return Get("Empty id: GET key (trailing slash after keys)", Keys + "/", 400, "INVALID_KEY");
        yield return new("Empty id: HEAD key (trailing slash after keys)", "HEAD", Keys + "/", 400, "INVALID_KEY");
        yield return new("Empty id: DELETE partition (trailing slash after partitions)", "DELETE", Partitions + "/", 400, "INVALID_PARTITION");
        yield return new("Empty id: DELETE store (trailing slash after stores)", "DELETE", Stores + "/", 400, "INVALID_STORE_ID");
        yield return new("Empty id: PUT store (trailing slash after stores)", "PUT", Stores + "/", 400, "INVALID_STORE_ID") { ContentType = Json, Body = Utf8(ValidSettings) };
    }

    private static IEnumerable<MalformedCase> UnknownRoutesAndMethods()
    {
        yield return Get("Route: unknown under api", "/api/v1/nothing-here", 404, "NOT_FOUND");
        yield return Get("Route: organizations root", "/api/v1/organizations", 404, "NOT_FOUND");
        // GET …/environments/{env} itself is the Stats API environment endpoint (stats-api.md).
        yield return Get("Route: environment without stores", "/api/v1/organizations/{org}/environments/{env}/nothing-here", 404, "NOT_FOUND");
        yield return Get("Route: api v2", "/api/v2/organizations/{org}/environments/{env}/stores", 404, "NOT_FOUND");
        yield return Get("Route: unknown store child", Store + "/unknown", 404, "NOT_FOUND");
        yield return Get("Route: segment after a key", K1 + "/extra", 404, "NOT_FOUND");
        yield return Get("Route: segment after values", Values + "/k1", 404, "NOT_FOUND");

        (string Method, string Name, string Path)[] methods =
        [
            ("PATCH", "key", K1),
            ("PATCH", "store", Store),
            ("POST", "store", Store),
            ("PUT", "store listing", Stores),
            ("POST", "store listing", Stores),
            ("DELETE", "store listing", Stores),
            ("GET", "partition", P1),
            ("POST", "partitions", Partitions),
            ("PUT", "partitions", Partitions),
            ("PUT", "values", Values),
            ("DELETE", "values", Values),
            ("TRACE", "key", K1),
            ("OPTIONS", "key", K1),
            ("FOO", "key", K1),
            ("HEAD", "store", Store),
            ("PUT", "regions", "/api/v1/organizations/{org}/regions"),
        ];
        foreach (var (method, name, path) in methods)
        {
            var row = new MalformedCase($"Method: {method} on {name}", method, path, 405, "METHOD_NOT_ALLOWED");
            yield return method is "PUT" or "POST" or "PATCH" ? row with { ContentType = Json, Body = Utf8(ValidValue) } : row;
        }
    }

    private static IEnumerable<MalformedCase> Missing()
    {
        yield return new("Missing: HEAD on an absent key", "HEAD", Keys + "/absent", 404, "KEY_NOT_FOUND");
        yield return new("Missing: HEAD on a key of an absent partition", "HEAD", Partitions + "/absent/keys/k1", 404, "PARTITION_NOT_FOUND");
        yield return new("Missing: HEAD on a key of an absent store", "HEAD", Stores + "/absent/partitions/p1/keys/k1", 404, "STORE_NOT_FOUND");
        yield return Get("Missing: GET an absent key", Keys + "/absent", 404, "KEY_NOT_FOUND");
        yield return new("Missing: DELETE an absent key", "DELETE", Keys + "/absent", 404, "KEY_NOT_FOUND");
        yield return Get("Missing: GET an absent store", Stores + "/absent", 404, "STORE_NOT_FOUND");
        yield return new("Missing: DELETE an absent store", "DELETE", Stores + "/absent", 404, "STORE_NOT_FOUND");
        yield return new("Missing: PUT a value into an absent store", "PUT", Stores + "/absent/partitions/p1/keys/k1", 404, "STORE_NOT_FOUND")
        {
            ContentType = Json,
            Body = Utf8(ValidValue),
        };
        yield return Get("Missing: keys of an absent store", Stores + "/absent/partitions/p1/keys", 404, "STORE_NOT_FOUND");
        yield return Get("Missing: environment", "/api/v1/organizations/{org}/environments/no-such-env/stores", 404, "ENVIRONMENT_NOT_FOUND");
        yield return Get("Missing: environment id of 1000 characters", $"/api/v1/organizations/{{org}}/environments/{new string('e', 1000)}/stores", 404, "ENVIRONMENT_NOT_FOUND");
        yield return Get("Missing: organization", "/api/v1/organizations/no-such-org/environments/{env}/stores", 403, "FORBIDDEN");
        yield return Get("Missing: organization of regions", "/api/v1/organizations/no-such-org/regions", 403, "FORBIDDEN");
    }

    private static IEnumerable<MalformedCase> BadCredentials()
    {
        const string code = "UNAUTHORIZED";
        yield return Get("Token: none on GET key", K1, 401, code) with { Authorization = null };
        yield return new("Token: none on PUT key", "PUT", K1, 401, code) { Authorization = null, ContentType = Json, Body = Utf8(ValidValue) };
        yield return new("Token: none on PUT key with a malformed body", "PUT", K1, 401, code) { Authorization = null, ContentType = Json, Body = Utf8("{") };
        yield return new("Token: none on DELETE key", "DELETE", K1, 401, code) { Authorization = null };
        yield return new("Token: none on DELETE store", "DELETE", Store, 401, code) { Authorization = null };
        yield return new("Token: none on HEAD key", "HEAD", K1, 401, code) { Authorization = null };
        yield return Get("Token: none on store listing", Stores, 401, code) with { Authorization = null };
        yield return Get("Token: none on regions", "/api/v1/organizations/{org}/regions", 401, code) with { Authorization = null };

        (string Name, string Header)[] headers =
        [
            ("unknown token", "Bearer not-a-real-token"),
            ("scheme only", "Bearer"),
            ("scheme and a space", "Bearer "),
            ("Basic credentials", "Basic YWRtaW46dGVzdC1hZG1pbi1wYXNzd29yZC0xMjM0"),
            ("two tokens", "Bearer {token} {token}"),
            ("token with a suffix", "Bearer {token}x"),
            ("truncated token", "Bearer {truncated-token}"),
            ("other scheme with the token", "Token {token}"),
            ("no space after the scheme", "Bearer{token}"),
            ("5000 character token", "Bearer " + new string('t', 5000)),
        ];
        foreach (var (name, header) in headers)
        {
            yield return new($"Token: {name} on DELETE store", "DELETE", Store, 401, code) { Authorization = header };
        }

        yield return new("Token: unknown token on PUT key", "PUT", K1, 401, code)
        {
            Authorization = "Bearer not-a-real-token",
            ContentType = Json,
            Body = Utf8(ValidValue),
        };
    }

    private static MalformedCase Get(string name, string path, int status, string code) => new(name, "GET", path, status, code);

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
