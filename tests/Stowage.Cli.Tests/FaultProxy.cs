using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Stowage.Cli.Tests;

/// <summary>What the proxy does with one request.</summary>
public enum FaultAction
{
    /// <summary>Pass it to the real server and its answer back.</summary>
    Forward,

    /// <summary>Answer 429 with <c>Retry-After</c> (<see cref="FaultProxy.RetryAfterSeconds"/>) without forwarding.</summary>
    TooManyRequests,

    /// <summary>Reset the connection without forwarding and without an answer.</summary>
    DropBeforeForwarding,

    /// <summary>Forward (so the server does the write), then reset the connection instead of answering.</summary>
    DropAfterForwarding,

    /// <summary>Answer 400 with a Stowage error body, without forwarding: a refusal no retry can change.</summary>
    Refuse,

    /// <summary>Wait <see cref="FaultProxy.Delay"/>, then forward.</summary>
    Delay,

    /// <summary>Answer 404 <c>NOT_FOUND</c> without forwarding, as a server without the path would (an earlier version).</summary>
    NoSuchPath,

    /// <summary>Forward, pass the answer's status, headers and first <see cref="FaultProxy.CutAfterBytes"/> bytes, then (once the client has read them) reset the connection.</summary>
    CutAnswer,

    /// <summary>Forward, pass the answer's status, headers and first <see cref="FaultProxy.CutAfterBytes"/> bytes, then hold the rest for <see cref="FaultProxy.Delay"/>.</summary>
    StallAnswer,
}

/// <summary>One request as the proxy saw it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request's path, as the proxy's server decoded it.</param>
/// <param name="Attempt">1 for the first request with this method and path, 2 for the next, …</param>
/// <param name="IsValueWrite">A PUT or POST of one key (<c>…/partitions/{p}/keys/{k}</c>).</param>
/// <param name="IsValuesPage">A GET of a partition's <c>values</c> listing.</param>
/// <param name="IsExport">A GET of a store's <c>export</c>.</param>
public sealed record ProxyRequest(string Method, string Path, int Attempt, bool IsValueWrite, bool IsValuesPage, bool IsExport);

/// <summary>What the proxy did with a request and when (on the proxy's own clock).</summary>
/// <param name="Request">The request.</param>
/// <param name="Action">What the policy chose for it.</param>
/// <param name="Arrived">When the request's headers arrived.</param>
/// <param name="Answered">When the proxy started its answer (a 429 or a refusal) or dropped the connection.</param>
public sealed record ProxyArrival(ProxyRequest Request, FaultAction Action, TimeSpan Arrived, TimeSpan Answered);

/// <summary>
/// A real HTTP/1.1 listener on 127.0.0.1 (Kestrel) in front of the real test server, that
/// injects faults into chosen requests: rate limits, reset connections, refusals, delays.
/// The CLI talks to it as to any server (it signs in through it), so the faults reach the
/// CLI's own HTTP stack exactly as a proxy or a busy server would send them. Every request is
/// recorded with its arrival time, for checks of what the client did and when.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Uri _target;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<(string, string), int> _attempts = new();
    private readonly ConcurrentQueue<ProxyArrival> _arrivals = new();

    private FaultProxy(WebApplication app, Uri target, string url)
    {
        _app = app;
        _target = target;
        Url = url;
        _upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromMinutes(2) };
        _app.Run(HandleAsync);
    }

    /// <summary>The proxy's address, e.g. <c>http://127.0.0.1:23456</c>.</summary>
    public string Url { get; }

    /// <summary>Decides each request's fate; forwards everything until a test sets it.</summary>
    public Func<ProxyRequest, FaultAction> Policy { get; set; } = _ => FaultAction.Forward;

    /// <summary>The <c>Retry-After</c> of an injected 429, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>How much of an answer <see cref="FaultAction.CutAnswer"/> and <see cref="FaultAction.StallAnswer"/> pass.</summary>
    public int CutAfterBytes { get; set; } = 10_000;

    /// <summary>How long <see cref="FaultAction.Delay"/> holds a request.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Every request so far, in the order they arrived.</summary>
    public IReadOnlyList<ProxyArrival> Arrivals => _arrivals.OrderBy(a => a.Arrived).ToList();

    /// <summary>Starts a proxy to <paramref name="target"/> on a free loopback port below 32768.</summary>
    public static async Task<FaultProxy> StartAsync(string target)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
            var app = builder.Build();
            var proxy = new FaultProxy(app, new Uri(target.TrimEnd('/') + "/"), $"http://127.0.0.1:{port}");
            try
            {
                await app.StartAsync();
                return proxy;
            }
            catch (IOException) when (attempt < 20)
            {
                // That port is taken: another one.
                await proxy.DisposeAsync();
            }
            catch (SocketException) when (attempt < 20)
            {
                await proxy.DisposeAsync();
            }
        }
    }

    /// <summary>The requests with this method and path, in order.</summary>
    public IReadOnlyList<ProxyArrival> ArrivalsOf(string method, string path) =>
        Arrivals.Where(a => a.Request.Method == method && a.Request.Path == path).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = _clock.Elapsed;
        var method = context.Request.Method;
        var path = context.Request.Path.HasValue ? context.Request.Path.Value! : "/";
        var attempt = _attempts.AddOrUpdate((method, path), 1, (_, n) => n + 1);
        var isValueWrite = method is "PUT" or "POST" && IsKeyPath(path);
        var isValuesPage = method == "GET" && path.EndsWith("/values", StringComparison.Ordinal);
        var isExport = method == "GET" && path.EndsWith("/export", StringComparison.Ordinal);
        var request = new ProxyRequest(method, path, attempt, isValueWrite, isValuesPage, isExport);
        var action = Policy(request);
        void Record() => _arrivals.Enqueue(new ProxyArrival(request, action, arrived, _clock.Elapsed));

        switch (action)
        {
            case FaultAction.TooManyRequests:
                Record();
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"code\":\"TOO_MANY_REQUESTS\",\"message\":\"injected: slow down\"}");
                return;
            case FaultAction.Refuse:
                Record();
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"code\":\"INVALID_VALUE\",\"message\":\"injected refusal\"}");
                return;
            case FaultAction.NoSuchPath:
                Record();
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "application/problem+json";
                await context.Response.WriteAsync("{\"code\":\"NOT_FOUND\",\"message\":\"No resource at this path.\"}");
                return;
            case FaultAction.DropBeforeForwarding:
                Record();
                context.Abort();
                return;
            case FaultAction.Delay:
                await Task.Delay(Delay, context.RequestAborted);
                break;
        }

        using var upstreamResponse = await ForwardAsync(context);
        if (action == FaultAction.DropAfterForwarding)
        {
            Record();
            context.Abort();
            return;
        }

        Record();
        context.Response.StatusCode = (int)upstreamResponse.StatusCode;
        foreach (var (name, values) in upstreamResponse.Headers.Concat(upstreamResponse.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        if (action is FaultAction.CutAnswer or FaultAction.StallAnswer)
        {
            var body = await upstreamResponse.Content.ReadAsByteArrayAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync(body.AsMemory(0, Math.Min(body.Length, CutAfterBytes)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            // A reset discards what the client has not read yet: let it read the part first.
            await Task.Delay(action == FaultAction.StallAnswer ? Delay : TimeSpan.FromMilliseconds(500), context.RequestAborted);
            context.Abort();
            return;
        }

        await upstreamResponse.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private async Task<HttpResponseMessage> ForwardAsync(HttpContext context)
    {
        var incoming = context.Request;
        // The raw target, as the client encoded it: a decoded path would change keys with reserved characters.
        var rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
        var message = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(_target, rawTarget.TrimStart('/')));
        using var body = new MemoryStream();
        await incoming.Body.CopyToAsync(body, context.RequestAborted);
        if (body.Length > 0 || incoming.ContentLength is not null)
        {
            message.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values) && message.Content is not null)
            {
                message.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        try
        {
            return await _upstream.SendAsync(message, HttpCompletionOption.ResponseContentRead, context.RequestAborted);
        }
        finally
        {
            message.Dispose();
        }
    }

    /// <summary><c>…/partitions/{partition}/keys/{key}</c>, not the keys listing.</summary>
    private static bool IsKeyPath(string path)
    {
        var keys = path.IndexOf("/keys/", StringComparison.Ordinal);
        return path.Contains("/partitions/", StringComparison.Ordinal) && keys > 0 && keys + "/keys/".Length < path.Length;
    }
}
