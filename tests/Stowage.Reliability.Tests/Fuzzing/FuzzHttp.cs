using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Stowage.Reliability.Tests.Fuzzing;

/// <summary>An answer, read whole: status, media type and body text.</summary>
internal sealed record FuzzResponse(int Status, string? MediaType, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Code =>
        MediaType is not null && MediaType.Contains("json", StringComparison.Ordinal) && Json.ValueKind == JsonValueKind.Object
        && Json.TryGetProperty("code", out var code) ? code.GetString() : null;

    public override string ToString() => $"{Status} {(Body.Length > 300 ? Body[..300] + "…" : Body)}";
}

/// <summary>
/// Raw HTTP against the server: the request target is sent exactly as written (no dot-segment
/// removal or unescaping by <see cref="Uri"/>), so hostile paths reach the server unchanged.
/// Every answer is checked for 5xx here, whatever the caller expects.
/// </summary>
internal sealed class FuzzHttp(HttpClient http, string token)
{
    private static long _requests;

    public static long Requests => Interlocked.Read(ref _requests);

    public string Token => token;

    public async Task<FuzzResponse> SendAsync(
        HttpMethod method, string target, string? body = null, Action<HttpRequestMessage>? configure = null, bool authorize = true,
        byte[]? rawBody = null)
    {
        var uri = new Uri(http.BaseAddress!.GetLeftPart(UriPartial.Authority) + target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(method, uri);
        if (rawBody is not null)
        {
            request.Content = new ByteArrayContent(rawBody);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        else if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (authorize)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        configure?.Invoke(request);
        Interlocked.Increment(ref _requests);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var result = new FuzzResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
        if (result.Status >= 500)
        {
            // Never acceptable, whatever was sent; the body is problem+json without secrets.
            throw new InvalidOperationException($"{method} {target} answered {result}");
        }

        return result;
    }
}
