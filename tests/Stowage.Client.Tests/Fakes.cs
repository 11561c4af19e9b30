using System.Net;
using System.Text;

namespace Stowage.Client.Tests;

/// <summary>A request as the fake handler saw it (the body is read before the client disposes it).</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? Body, string? ContentType)
{
    /// <summary>Every request header as <c>Name: value</c>, as the handler got them.</summary>
    public IReadOnlyList<string> Headers { get; init; } = [];
}

/// <summary>Answers requests from a queue of canned responses and records every request.</summary>
internal sealed class FakeHandler : HttpMessageHandler
{
    private readonly Queue<Func<RecordedRequest, HttpResponseMessage>> _responses = new();

    public List<RecordedRequest> Requests { get; } = [];

    public FakeHandler Enqueue(Func<RecordedRequest, HttpResponseMessage> respond)
    {
        _responses.Enqueue(respond);
        return this;
    }

    public FakeHandler EnqueueJson(HttpStatusCode status, string json, string mediaType = "application/json")
        => Enqueue(_ => Json(status, json, mediaType));

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json")
        => new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization?.ToString(),
            body,
            request.Content?.Headers.ContentType?.ToString())
        {
            Headers = [.. request.Headers.NonValidated.Select(header => $"{header.Key}: {header.Value}")],
        };
        Requests.Add(recorded);
        if (_responses.Count == 0)
        {
            throw new InvalidOperationException($"Unexpected request {request.Method} {request.RequestUri}");
        }

        return _responses.Dequeue()(recorded);
    }
}

/// <summary>Hands out token-1, token-2, … : a new one after each invalidation.</summary>
internal sealed class CountingTokenSource : ITokenSource
{
    private int _generation = 1;

    public int Invalidations { get; private set; }

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default)
        => ValueTask.FromResult($"token-{_generation}");

    public void Invalidate()
    {
        Invalidations++;
        _generation++;
    }
}

internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class TestClients
{
    public const string Base = "http://stowage.test";

    public static StowageClient Create(FakeHandler handler, ITokenSource? tokens = null, string baseAddress = Base + "/")
        => new(new HttpClient(handler) { BaseAddress = new Uri(baseAddress) }, tokens ?? new StaticTokenSource("secret-token"));

    public static string KeyUri(string key)
        => Base + "/api/v1/organizations/o/environments/e/stores/s/partitions/p/keys/" + key;
}
