using System.Net;
using System.Text;
using Stowage.Client;

namespace Stowage.Server.Tests.DataPlane;

/// <summary>
/// A STRING value's bytes are the same whether the client sent its text as raw UTF-8 or with
/// JSON escapes (the server takes an unescaped string's bytes as they are, and decodes one
/// with escapes), and the 10 MB bound counts the same UTF-8 bytes either way.
/// </summary>
public sealed class StringValueBodyTests(DataPlaneFixture fixture) : IClassFixture<DataPlaneFixture>
{
    private const string Partition = "p";
    private const int Max = 10 * 1024 * 1024;

    [Theory]
    [InlineData("plain ascii")]
    [InlineData("")]
    [InlineData("héllo wörld 日本語 😀 </script>")]
    [InlineData("tab\tnew\nline \"quoted\" back\\slash")]
    public async Task StringValue_RawAndEscaped_StoreTheSameBytes(string text)
    {
        var store = await fixture.NewStoreAsync();
        var raw = "{\"valueType\":\"STRING\",\"stringValue\":" + Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(text, RawOptions)) + "}";
        var escaped = "{\"valueType\":\"STRING\",\"stringValue\":" + System.Text.Json.JsonSerializer.Serialize(text) + "}";

        Assert.Equal(HttpStatusCode.Created, await PutAsync(store, "raw", raw));
        Assert.Equal(HttpStatusCode.Created, await PutAsync(store, "escaped", escaped));

        foreach (var key in new[] { "raw", "escaped" })
        {
            var value = await fixture.Client.GetValueAsync(fixture.Root.OrgId, fixture.Root.SandboxId, store, Partition, key);
            Assert.Equal(text, value.StringValue);
        }
    }

    [Theory]
    [InlineData(false, Max, HttpStatusCode.Created)]
    [InlineData(false, Max + 1, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(true, Max, HttpStatusCode.Created)]
    [InlineData(true, Max + 1, HttpStatusCode.RequestEntityTooLarge)]
    public async Task StringValue_AtAndPastTenMegabytes_CountsUtf8BytesEitherWay(bool escapedTail, int utf8Bytes, HttpStatusCode expected)
    {
        // Two-byte characters, the last one escaped or not: the same text and the same count.
        var store = await fixture.NewStoreAsync();
        var body = new StringBuilder("{\"valueType\":\"STRING\",\"stringValue\":\"");
        body.Append('x', utf8Bytes % 2).Append('é', (utf8Bytes / 2) - 1).Append(escapedTail ? "\\u00e9" : "é").Append("\"}");

        Assert.Equal(expected, await PutAsync(store, "k", body.ToString()));
    }

    private static readonly System.Text.Json.JsonSerializerOptions RawOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private async Task<HttpStatusCode> PutAsync(string store, string key, string body)
    {
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/organizations/{fixture.Root.OrgId}/environments/{fixture.Root.SandboxId}/stores/{store}/partitions/{Partition}/keys/{key}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", await fixture.Factory.LoginAsync());
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
