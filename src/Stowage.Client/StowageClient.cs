using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Stowage.Contracts;

namespace Stowage.Client;

/// <summary>
/// The .NET client of the Stowage (Anypoint Object Store v2 compatible) REST API. Thread-safe;
/// create one per server and reuse it. Failed calls throw <see cref="StowageApiException"/>.
/// When the server answers 401, the token source is invalidated and the call is retried once.
/// </summary>
public sealed partial class StowageClient : IDisposable
{
    private const string JsonMediaType = "application/json";

    private readonly HttpClient _httpClient;
    private readonly ITokenSource _tokenSource;
    private readonly bool _ownsHttpClient;
    private readonly string _origin;

    /// <summary>The last token's <c>Authorization</c> value, made once per token rather than once per request.</summary>
    private BearerHeader? _bearer;

    /// <summary>Creates a client that sends through <paramref name="httpClient"/>.</summary>
    /// <param name="httpClient">A client whose <see cref="HttpClient.BaseAddress"/> is the server's base URL; not disposed by this client.</param>
    /// <param name="tokenSource">Supplies the bearer token.</param>
    public StowageClient(HttpClient httpClient, ITokenSource tokenSource)
        : this(httpClient, tokenSource, ownsHttpClient: false)
    {
    }

    /// <summary>Creates a client for the server at <paramref name="baseAddress"/>, with its own <see cref="HttpClient"/>.</summary>
    /// <param name="baseAddress">The server's base URL, for example <c>https://stowage.example.com/</c>.</param>
    /// <param name="tokenSource">Supplies the bearer token.</param>
    public StowageClient(Uri baseAddress, ITokenSource tokenSource)
        : this(new HttpClient { BaseAddress = baseAddress }, tokenSource, ownsHttpClient: true)
    {
    }

    private StowageClient(HttpClient httpClient, ITokenSource tokenSource, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(tokenSource);
        _origin = OriginOf(httpClient);
        _httpClient = httpClient;
        _tokenSource = tokenSource;
        _ownsHttpClient = ownsHttpClient;
    }

    /// <summary>The server's base URL, as given by the HTTP client.</summary>
    public Uri BaseAddress => _httpClient.BaseAddress!;

    /// <summary>Disposes the HTTP client when this client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    /// <summary>The absolute request URI for an escaped <paramref name="pathAndQuery"/> starting with <c>/</c>.</summary>
    internal static Uri CreateUri(string origin, string pathAndQuery) => new(origin + pathAndQuery);

    private static string OriginOf(HttpClient httpClient)
    {
        var baseAddress = httpClient.BaseAddress
            ?? throw new ArgumentException("The HttpClient must have a BaseAddress.", nameof(httpClient));
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("The BaseAddress must be absolute.", nameof(httpClient));
        }

        // Keeps a path prefix (https://host/stowage/) so the server may sit behind one.
        return baseAddress.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    private async Task<T> GetAsync<T>(string pathAndQuery, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, pathAndQuery, body: null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(TResponse Body, bool Created)> WriteAsync<TRequest, TResponse>(
        HttpMethod method, string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        using var response = await SendAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        var result = await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
        return (result, response.StatusCode == HttpStatusCode.Created);
    }

    private async Task<TResponse> SendJsonAsync<TRequest, TResponse>(
        HttpMethod method, string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var (body, _) = await WriteAsync(method, path, request, requestType, responseType, cancellationToken).ConfigureAwait(false);
        return body;
    }

    /// <summary>Sends a JSON body to a call that answers without one (204).</summary>
    private async Task SendJsonAsync<TRequest>(
        HttpMethod method, string path, TRequest request, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        using var response = await SendAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, path, body: null, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string pathAndQuery, ReadOnlyMemory<byte>? body, CancellationToken cancellationToken, (string Name, string Value)? header = null)
    {
        var response = await SendOnceAsync(method, pathAndQuery, body, header, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // The token may have been revoked or expired early: renew it and try exactly once more.
        response.Dispose();
        _tokenSource.Invalidate();
        return await SendOnceAsync(method, pathAndQuery, body, header, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method, string pathAndQuery, ReadOnlyMemory<byte>? body, (string Name, string Value)? header, CancellationToken cancellationToken)
    {
        var token = await _tokenSource.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(method, CreateUri(_origin, pathAndQuery));
        if (Bearer(token) is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.TryAddWithoutValidation("Accept", JsonMediaType);
        if (header is { } extra)
        {
            request.Headers.TryAddWithoutValidation(extra.Name, extra.Value);
        }

        if (body is { } content)
        {
            request.Content = JsonContent(content);
        }

        return await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>Bearer {token}</c>, kept while the token lasts: a token is a kilobyte or so, and
    /// building the header for every request took about 7 % of a bulk import's CPU. Null for a
    /// token with characters a header value may not hold as they are, which takes the checked path.
    /// </summary>
    private string? Bearer(string token)
    {
        var cached = _bearer;
        if (cached is not null && string.Equals(cached.Token, token, StringComparison.Ordinal))
        {
            return cached.Value;
        }

        foreach (var c in token)
        {
            if (c is <= ' ' or > '~')
            {
                return null;
            }
        }

        var made = new BearerHeader(token, "Bearer " + token);
        _bearer = made;
        return made.Value;
    }

    private sealed record BearerHeader(string Token, string Value);

    private static ReadOnlyMemoryContent JsonContent(ReadOnlyMemory<byte> body)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType) { CharSet = "utf-8" };
        return content;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync(stream, responseType, cancellationToken).ConfigureAwait(false)
            ?? throw new StowageApiException(response.StatusCode, code: null, "The server answered with an empty JSON body.");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await StowageApiException.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Enumerates every item of a cursor-paged listing, following <c>nextPageToken</c> until it is null.</summary>
    private static async IAsyncEnumerable<TItem> PageAllAsync<TPage, TItem>(
        Func<string?, CancellationToken, Task<PageDto<TPage>>> fetchPage,
        Func<TPage, TItem> select,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? pageToken = null;
        do
        {
            var page = await fetchPage(pageToken, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Values)
            {
                yield return select(item);
            }

            // A token that does not move would loop forever; treat it as a broken server.
            if (page.NextPageToken is not null && page.NextPageToken == pageToken)
            {
                throw new StowageApiException(HttpStatusCode.OK, code: null, "The server returned the same nextPageToken twice.");
            }

            pageToken = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
        }
        while (pageToken is not null);
    }
}
