using System.Text;

namespace Stowage.Server.Tests.BadInput;

/// <summary>
/// One malformed request and the exact error it must get. <see cref="Path"/> holds the
/// placeholders {org} and {env} (the root organization and its Production environment);
/// <see cref="Authorization"/> holds {token} (a valid administrator token).
/// </summary>
public sealed record MalformedCase(string Name, string Method, string Path, int Status, string Code)
{
    public string? Authorization { get; init; } = "Bearer {token}";

    public string? ContentType { get; init; }

    /// <summary>Built on demand so the 10 MB bodies exist only while their row runs.</summary>
    public Func<byte[]>? Body { get; init; }

    /// <summary>Send the body with Transfer-Encoding: chunked instead of Content-Length.</summary>
    public bool Chunked { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

/// <summary>
/// The table of malformed requests. Every row targets the seeded store (see
/// <see cref="MalformedRequestFixture"/>), so a request that is wrongly accepted changes
/// data the tests compare afterwards.
/// </summary>
public static partial class MalformedRequestCases
{
    public const string StoreId = "seeded-store";
    public const string OtherStoreId = "other-store";
    public const string Json = "application/json";

    public const string Stores = "/api/v1/organizations/{org}/environments/{env}/stores";
    public const string Store = Stores + "/" + StoreId;
    public const string Partitions = Store + "/partitions";
    public const string P1 = Partitions + "/p1";
    public const string Keys = P1 + "/keys";
    public const string K1 = Keys + "/k1";
    public const string Values = P1 + "/values";

    public const string ValidValue = """{"valueType":"STRING","stringValue":"changed"}""";
    public const string ValidSettings = """{"defaultTtlSeconds":60}""";

    private static readonly Lazy<IReadOnlyList<MalformedCase>> AllCases = new(Build);
    private static readonly Lazy<IReadOnlyDictionary<string, MalformedCase>> CasesByName =
        new(() => AllCases.Value.ToDictionary(c => c.Name, StringComparer.Ordinal));

    public static IReadOnlyList<MalformedCase> All => AllCases.Value;

    public static MalformedCase Get(string name) => CasesByName.Value[name];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    private static List<MalformedCase> Build() =>
    [
        .. BadJson(),
        .. NonObjectBodies(),
        .. WrongValueMemberTypes(),
        .. ValueTypeNames(),
        .. ValueMemberMismatches(),
        .. BadBase64(),
        .. KeyIdMismatches(),
        .. WrongSettingsTypes(),
        .. ContentTypes(),
        .. Oversized(),
        .. Paging(),
        .. BadKeys(),
        .. BadStoreIds(),
        .. BadPartitions(),
        .. LargeHeaders(),
        .. PathTricks(),
        .. EmptyIds(),
        .. PathCaseVariants(),
        .. UnknownRoutesAndMethods(),
        .. Missing(),
        .. BadCredentials(),
    ];

    private static MalformedCase PutValue(string name, string json, int status, string code) =>
        new(name, "PUT", K1, status, code) { ContentType = Json, Body = Utf8(json) };

    private static MalformedCase InvalidValue(string name, string json) => PutValue(name, json, 400, "INVALID_VALUE");

    private static MalformedCase PutSettings(string name, string json, int status, string code) =>
        new(name, "PUT", Store, status, code) { ContentType = Json, Body = Utf8(json) };

    private static Func<byte[]> Utf8(string text) => () => Encoding.UTF8.GetBytes(text);

    private static string Nest(string open, string close, int depth) =>
        string.Concat(Enumerable.Repeat(open, depth)) + string.Concat(Enumerable.Repeat(close, depth));

    private static IEnumerable<MalformedCase> BadJson()
    {
        const string code = "MALFORMED_JSON";
        (string Name, string Json)[] texts =
        [
            ("only an opening brace", "{"),
            ("truncated after a member", "{\"valueType\":\"STRING\",\"stringValue\":\"x\""),
            ("truncated inside a string", """{"valueType":"STRING","stringValue":"x"""),
            ("truncated after a colon", """{"valueType":"STRING","stringValue":"""),
            ("trailing garbage", """{"valueType":"STRING","stringValue":"x"} x"""),
            ("extra closing brace", """{"valueType":"STRING","stringValue":"x"}}"""),
            ("two documents", """{"valueType":"STRING","stringValue":"x"}{"valueType":"STRING","stringValue":"y"}"""),
            ("line comment", "// note\n{\"valueType\":\"STRING\",\"stringValue\":\"x\"}"),
            ("block comment", """{/* c */"valueType":"STRING","stringValue":"x"}"""),
            ("trailing comma", """{"valueType":"STRING","stringValue":"x",}"""),
            ("NaN number", """{"valueType":"NUMBER","numberValue":NaN}"""),
            ("Infinity number", """{"valueType":"NUMBER","numberValue":Infinity}"""),
            ("negative Infinity number", """{"valueType":"NUMBER","numberValue":-Infinity}"""),
            ("leading zero number", """{"valueType":"NUMBER","numberValue":0123}"""),
            ("leading plus number", """{"valueType":"NUMBER","numberValue":+1}"""),
            ("leading dot number", """{"valueType":"NUMBER","numberValue":.5}"""),
            ("trailing dot number", """{"valueType":"NUMBER","numberValue":1.}"""),
            ("hex number", """{"valueType":"NUMBER","numberValue":0x10}"""),
            ("undefined literal", """{"valueType":"NUMBER","numberValue":undefined}"""),
            ("capitalised literal", """{"valueType":"STRING","stringValue":"x","keyId":Null}"""),
            ("single quotes", "{'valueType':'STRING','stringValue':'x'}"),
            ("unquoted member names", "{valueType:\"STRING\",stringValue:\"x\"}"),
            ("raw control character in a string", "{\"valueType\":\"STRING\",\"stringValue\":\"a\u0001b\"}"),
            ("raw newline in a string", "{\"valueType\":\"STRING\",\"stringValue\":\"a\nb\"}"),
            ("invalid escape", """{"valueType":"STRING","stringValue":"\x41"}"""),
            ("short unicode escape", """{"valueType":"STRING","stringValue":"\u12"}"""),
            ("whitespace only", "   \n\t "),
            ("missing colon", """{"valueType" "STRING","stringValue":"x"}"""),
            ("missing comma", """{"valueType":"STRING" "stringValue":"x"}"""),
            ("nesting depth 33", "{\"valueType\":\"STRING\",\"stringValue\":\"x\",\"extra\":" + Nest("[", "]", 32) + "}"),
            ("nested objects depth 40", Nest("{\"a\":", "}", 40).Replace("{\"a\":}", "{\"a\":1}", StringComparison.Ordinal)),
            ("nesting depth 1000", "{\"valueType\":\"STRING\",\"stringValue\":\"x\",\"extra\":" + Nest("[", "]", 1000) + "}"),
            ("100000 unclosed arrays", new string('[', 100_000)),
            ("duplicate member", """{"valueType":"STRING","stringValue":"a","stringValue":"b"}"""),
            ("duplicate valueType", """{"valueType":"STRING","valueType":"NUMBER","stringValue":"a"}"""),
        ];

        foreach (var (name, json) in texts)
        {
            yield return PutValue("Value JSON: " + name, json, 400, code);
        }

        yield return new("Value JSON: invalid UTF-8 byte", "PUT", K1, 400, code)
        {
            ContentType = Json,
            Body = () => [.. "{\"valueType\":\"STRING\",\"stringValue\":\"a"u8, 0xFF, .. "\"}"u8],
        };
        yield return new("Value JSON: UTF-16 body", "PUT", K1, 400, code)
        {
            ContentType = Json,
            Body = () => Encoding.Unicode.GetBytes(ValidValue),
        };
        yield return new("Value JSON: overlong UTF-8 quote", "PUT", K1, 400, code)
        {
            ContentType = Json,
            Body = () => [.. "{\"valueType\":\"STRING\",\"stringValue\":\"a"u8, 0xC0, 0xA2, .. "\"}"u8],
        };

        (string Name, string Json)[] settings =
        [
            ("only an opening brace", "{"),
            ("trailing garbage", """{"defaultTtlSeconds":60} x"""),
            ("block comment", """{/* c */"defaultTtlSeconds":60}"""),
            ("trailing comma", """{"defaultTtlSeconds":60,}"""),
            ("NaN", """{"defaultTtlSeconds":NaN}"""),
            ("nesting depth 33", "{\"defaultTtlSeconds\":60,\"extra\":" + Nest("[", "]", 32) + "}"),
            ("whitespace only", "  \r\n "),
            ("single quotes", "{'isFixedTtl':true}"),
            ("duplicate member", """{"defaultTtlSeconds":60,"defaultTtlSeconds":120}"""),
        ];

        foreach (var (name, json) in settings)
        {
            yield return PutSettings("Store JSON: " + name, json, 400, code);
        }
    }

    private static IEnumerable<MalformedCase> NonObjectBodies()
    {
        foreach (var json in (string[])["null", "[]", "\"x\"", "42", "true", """[{"valueType":"STRING","stringValue":"x"}]"""])
        {
            yield return InvalidValue($"Value body: {json} instead of an object", json);
        }

        yield return new("Value body: empty", "PUT", K1, 400, "INVALID_VALUE") { ContentType = Json, Body = () => [] };
        yield return new("Value body: none on POST", "POST", K1, 400, "INVALID_VALUE");

        foreach (var json in (string[])["null", "[]", "\"x\"", "42", "false"])
        {
            yield return PutSettings($"Store body: {json} instead of an object", json, 400, "INVALID_STORE_SETTINGS");
        }
    }

    private static IEnumerable<MalformedCase> WrongValueMemberTypes()
    {
        string[] notStrings = ["1", "true", "{}", "[]", "1.5"];
        foreach (var v in notStrings)
        {
            yield return InvalidValue($"Value member: keyId {v}", $$"""{"keyId":{{v}},"valueType":"STRING","stringValue":"x"}""");
        }

        foreach (var v in (string[])["1", "true", "{}", "[]", "\"\""])
        {
            yield return PutValue($"Value member: valueType {v}", $$"""{"valueType":{{v}},"stringValue":"x"}""", 400, "INVALID_VALUE_TYPE");
        }

        foreach (var v in (string[])["1", "true", "false", "{}", "[]", "1.5", """{"text":"x"}"""])
        {
            yield return InvalidValue($"Value member: stringValue {v}", $$"""{"valueType":"STRING","stringValue":{{v}}}""");
        }

        foreach (var v in (string[])["1", "true", "{}", "[]", "[1,2]"])
        {
            yield return InvalidValue($"Value member: binaryValue {v}", $$"""{"valueType":"BINARY","binaryValue":{{v}}}""");
        }

        foreach (var v in (string[])["\"1\"", "\"abc\"", "true", "{}", "[]", "[1]"])
        {
            yield return InvalidValue($"Value member: numberValue {v}", $$"""{"valueType":"NUMBER","numberValue":{{v}}}""");
        }

        foreach (var v in (string[])["\"60\"", "\"abc\"", "\"\"", "true", "{}", "[]", "[60]", "1.5", "0.5", "-1.5", "60.000001", "1e3", "6E1", "1E+2", "1.0e1"])
        {
            yield return InvalidValue($"Value member: ttlSeconds {v}", $$"""{"valueType":"STRING","stringValue":"x","ttlSeconds":{{v}}}""");
        }

        yield return InvalidValue("Value member: stringValue 1 without valueType", """{"stringValue":1}""");
        yield return InvalidValue("Value member: keyId lone surrogate", """{"keyId":"\uD800","valueType":"STRING","stringValue":"x"}""");
        yield return InvalidValue("Value member: stringValue lone high surrogate", """{"valueType":"STRING","stringValue":"a\uD800b"}""");
        yield return InvalidValue("Value member: stringValue lone low surrogate", """{"valueType":"STRING","stringValue":"\uDC00"}""");
        yield return InvalidValue("Value member: binaryValue lone surrogate", """{"valueType":"BINARY","binaryValue":"AAE\uD800"}""");
        yield return PutValue("Value member: valueType lone surrogate", """{"valueType":"STRING\uD800","stringValue":"x"}""", 400, "INVALID_VALUE_TYPE");
    }

    private static IEnumerable<MalformedCase> ValueTypeNames()
    {
        string[] names = ["string", "binary", "number", "String", "Number", "STIRNG", "BINRAY", "NUMBR", "TEXT", "JSON", "OBJECT", "BOOLEAN", " STRING", "STRING ", "STRING\\u0000", "ＳＴＲＩＮＧ"];
        foreach (var name in names)
        {
            yield return PutValue($"valueType: \"{name}\"", $$"""{"valueType":"{{name}}","stringValue":"x"}""", 400, "INVALID_VALUE_TYPE");
        }

        yield return PutValue("valueType: absent and no value member", "{}", 400, "INVALID_VALUE_TYPE");
        yield return PutValue("valueType: absent with only keyId", """{"keyId":"k1"}""", 400, "INVALID_VALUE_TYPE");
        yield return PutValue("valueType: absent with two value members", """{"stringValue":"x","numberValue":1}""", 400, "INVALID_VALUE_TYPE");
    }

    private static IEnumerable<MalformedCase> ValueMemberMismatches()
    {
        (string Type, string Member, string Value)[] mismatches =
        [
            ("STRING", "binaryValue", "\"AAEC\""),
            ("STRING", "numberValue", "1"),
            ("BINARY", "stringValue", "\"AAEC\""),
            ("BINARY", "numberValue", "1"),
            ("NUMBER", "stringValue", "\"1\""),
            ("NUMBER", "binaryValue", "\"AAEC\""),
        ];
        foreach (var (type, member, value) in mismatches)
        {
            yield return InvalidValue($"Value mismatch: {type} with {member}", $$"""{"valueType":"{{type}}","{{member}}":{{value}}}""");
        }

        foreach (var type in (string[])["STRING", "BINARY", "NUMBER"])
        {
            yield return InvalidValue($"Value mismatch: {type} without a value", $$"""{"valueType":"{{type}}"}""");
        }

        yield return InvalidValue("Value mismatch: STRING with stringValue null", """{"valueType":"STRING","stringValue":null}""");
        yield return InvalidValue("Two values: STRING with stringValue and binaryValue", """{"valueType":"STRING","stringValue":"x","binaryValue":"AAEC"}""");
        yield return InvalidValue("Two values: BINARY with binaryValue and stringValue", """{"valueType":"BINARY","binaryValue":"AAEC","stringValue":"x"}""");
        yield return InvalidValue("Two values: NUMBER with numberValue and stringValue", """{"valueType":"NUMBER","numberValue":1,"stringValue":"1"}""");
        yield return InvalidValue("Two values: STRING with all three", """{"valueType":"STRING","stringValue":"x","binaryValue":"AAEC","numberValue":1}""");
    }

    private static IEnumerable<MalformedCase> BadBase64()
    {
        string[] texts =
        [
            "@@@@", "abc", "ab=", "a===", "====", "=YWJ", "YW=j", "YQ==YQ==", "YQ", "Y", "YWJjZA=", "YWJjZ===",
            "YW-_", "YWJ\u00e9", "YWJj ZGVm", "YWJj\\nZGVm", " YWJj", "YWJj\\t", "YWJj\\r\\n", "YWJj\\u0000",
        ];
        foreach (var text in texts)
        {
            yield return InvalidValue($"Base64: \"{text}\"", $$"""{"valueType":"BINARY","binaryValue":"{{text}}"}""");
        }
    }

    private static IEnumerable<MalformedCase> KeyIdMismatches()
    {
        foreach (var keyId in (string[])["k2", "K1", "k1 ", " k1", "", "k1/", "k%31", "k1\\u0000", "p1/k1"])
        {
            yield return PutValue($"keyId mismatch: \"{keyId}\"", $$"""{"keyId":"{{keyId}}","valueType":"STRING","stringValue":"x"}""", 400, "KEY_ID_MISMATCH");
        }
    }

    private static IEnumerable<MalformedCase> WrongSettingsTypes()
    {
        const string code = "INVALID_STORE_SETTINGS";
        foreach (var member in (string[])["defaultTtlSeconds", "defaultConfirmationTtlSeconds", "defaultTtlMillis", "defaultConfirmationTtlMillis"])
        {
            foreach (var v in (string[])["\"60\"", "true", "{}", "[]", "1.5", "1e3"])
            {
                yield return PutSettings($"Store member: {member} {v}", $$"""{"{{member}}":{{v}}}""", 400, code);
            }
        }

        foreach (var member in (string[])["isFixedTtl", "persistent", "encrypted"])
        {
            foreach (var v in (string[])["\"true\"", "\"false\"", "1", "0", "{}", "[]"])
            {
                yield return PutSettings($"Store member: {member} {v}", $$"""{"{{member}}":{{v}}}""", 400, code);
            }
        }

        yield return PutSettings("Store member: seconds and millis disagree", """{"defaultTtlSeconds":60,"defaultTtlMillis":120000}""", 400, code);
        yield return PutSettings(
            "Store member: confirmation seconds and millis disagree",
            """{"defaultConfirmationTtlSeconds":60,"defaultConfirmationTtlMillis":1000}""",
            400,
            code);
    }

    private static IEnumerable<MalformedCase> ContentTypes()
    {
        string[] types =
        [
            "text/plain", "application/xml", "text/xml", "text/html", "application/octet-stream", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/json; charset=latin1", "application/json; charset=iso-8859-1",
            "application/json; charset=utf-16", "application", "application/", "json",
        ];
        foreach (var type in types)
        {
            yield return new($"Content-Type on value: {type}", "PUT", K1, 415, "UNSUPPORTED_MEDIA_TYPE") { ContentType = type, Body = Utf8(ValidValue) };
        }

        foreach (var type in (string[])["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1"])
        {
            yield return new($"Content-Type on store: {type}", "PUT", Store, 415, "UNSUPPORTED_MEDIA_TYPE") { ContentType = type, Body = Utf8(ValidSettings) };
        }
    }

    private static IEnumerable<MalformedCase> Oversized()
    {
        const int max = 10 * 1024 * 1024;
        yield return new("Too large: binaryValue 4 base64 chars over 10 MB", "PUT", K1, 413, "VALUE_TOO_LARGE")
        {
            ContentType = Json,
            Body = () => Encoding.ASCII.GetBytes("{\"valueType\":\"BINARY\",\"binaryValue\":\"" + new string('A', max + 4) + "\"}"),
        };
        yield return new("Too large: stringValue one byte over 10 MB", "PUT", K1, 413, "VALUE_TOO_LARGE")
        {
            ContentType = Json,
            Body = () => Encoding.ASCII.GetBytes("{\"valueType\":\"STRING\",\"stringValue\":\"" + new string('a', max + 1) + "\"}"),
        };
        yield return new("Too large: stringValue over 10 MB of UTF-8 in fewer characters", "PUT", K1, 413, "VALUE_TOO_LARGE")
        {
            ContentType = Json,
            Body = () => Encoding.UTF8.GetBytes("{\"valueType\":\"STRING\",\"stringValue\":\"" + new string('é', (max / 2) + 1) + "\"}"),
        };
        yield return new("Too large: value body over the limit by padding", "PUT", K1, 413, "VALUE_TOO_LARGE")
        {
            ContentType = Json,
            Body = () => Encoding.ASCII.GetBytes(ValidValue + new string(' ', max + (64 * 1024))),
        };
        yield return new("Too large: chunked value body over the limit", "PUT", K1, 413, "VALUE_TOO_LARGE")
        {
            ContentType = Json,
            Chunked = true,
            Body = () => Encoding.ASCII.GetBytes(ValidValue + new string(' ', max + (64 * 1024))),
        };
        yield return new("Too large: store settings body over 64 KB", "PUT", Store, 413, "BODY_TOO_LARGE")
        {
            ContentType = Json,
            Body = () => Encoding.ASCII.GetBytes("{\"defaultTtlSeconds\":60,\"pad\":\"" + new string('x', 64 * 1024) + "\"}"),
        };
        yield return new("Too large: chunked store settings body over 64 KB", "PUT", Store, 413, "BODY_TOO_LARGE")
        {
            ContentType = Json,
            Chunked = true,
            Body = () => Encoding.ASCII.GetBytes("{\"defaultTtlSeconds\":60,\"pad\":\"" + new string('x', 64 * 1024) + "\"}"),
        };
    }
}
