using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Server.Tests.BadInput;

/// <summary>
/// Every endpoint that reads a form answers a form it cannot or will not read with a 4xx in
/// its own dialect (problem+json, an OAuth error, the console's error page), before any
/// throttle or handler sees it: field names past the reader's limit, too many fields, a body
/// past the limit with and without Content-Length, a multipart body, bad escapes.
/// </summary>
public sealed partial class FormLimitTests : IClassFixture<FormLimitTests.Server>
{
    private readonly Server _server;

    public FormLimitTests(Server server) => _server = server;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in new[] { "/accounts/login", "/accounts/api/v2/oauth2/token", "/accounts/api/v2/oauth2/revoke", "/accounts/api/v2/oauth2/introspect", "/signin" })
        {
            foreach (var body in new[] { "long-name", "many-fields", "large", "large-chunked", "multipart", "multipart-truncated", "bad-escapes", "bad-utf8" })
            {
                data.Add(endpoint, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileForm_IsRefusedWithAClientError(string endpoint, string body)
    {
        using var http = _server.Factory.CreateClient();
        var token = endpoint == "/signin" ? await AntiforgeryAsync(http) : null;
        var prefix = token is null ? "username=admin&" : $"__RequestVerificationToken={Uri.EscapeDataString(token)}&username=admin&";
        HttpContent content = body switch
        {
            "long-name" => Form(prefix + new string('n', 3000) + "=1"),
            "many-fields" => Form(prefix + string.Join('&', Enumerable.Range(0, 1100).Select(i => $"f{i}=1"))),
            "large" => Form(prefix + "password=" + new string('p', 5 * 1024 * 1024)),
            "large-chunked" => Chunked(prefix + "password=" + new string('p', 5 * 1024 * 1024)),
            "multipart" => new MultipartFormDataContent { { new StringContent("admin"), "username" }, { new StringContent("x"), "password" } },
            "multipart-truncated" => Typed("--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nadmin\r\n", "multipart/form-data; boundary=b"),
            "bad-escapes" => Form(prefix + "password=%zz%&grant_type=%&client_id=%E0%A4%A"),
            _ => new ByteArrayContent([.. Encoding.ASCII.GetBytes(prefix + "password="), 0xFF, 0xFE, 0xC0]),
        };
        if (body == "bad-utf8")
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        }

        using var response = await http.PostAsync(endpoint, content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.InRange((int)response.StatusCode, 400, 499);
        if (endpoint == "/signin")
        {
            Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }
        else
        {
            using var json = JsonDocument.Parse(text);
            var member = endpoint.StartsWith("/accounts/api/v2/oauth2/", StringComparison.Ordinal) ? "error" : "code";
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty(member).GetString()));
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("message").GetString()));
        }
    }

    [Fact]
    public async Task Login_FieldNameTooLong_IsMalformedForm()
    {
        using var http = _server.Factory.CreateClient();
        using var response = await http.PostAsync("/accounts/login", Form(new string('n', 3000) + "=1&username=admin&password=x"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MALFORMED_FORM", json.RootElement.GetProperty("code").GetString());
    }

    private static StringContent Form(string text) => new(text, Encoding.ASCII, "application/x-www-form-urlencoded");

    private static ByteArrayContent Typed(string text, string contentType)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(text));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static StreamContent Chunked(string text)
    {
        var content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(text)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return content;
    }

    private static async Task<string> AntiforgeryAsync(HttpClient http)
    {
        var page = await http.GetStringAsync("/signin");
        return TokenField().Match(page).Groups[1].Value;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    /// <summary>One server for the table.</summary>
    public sealed class Server : IDisposable
    {
        public StowageFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }
}
