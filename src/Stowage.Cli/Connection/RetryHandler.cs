using System.Net;

namespace Stowage.Cli.Connection;

/// <summary>
/// Retries what is safe to retry, below the SDK so every call gets it: a 429 (or a 503 that
/// says when to come back) after its <c>Retry-After</c>, and a network failure with bounded
/// exponential back-off. A failed connection is retried for any method (nothing was sent);
/// other network failures only for idempotent methods, so a create is never sent twice.
/// </summary>
public sealed class RetryHandler : DelegatingHandler
{
    public const int MaxRateLimitRetries = 20;
    public const int MaxNetworkRetries = 5;

    private static readonly TimeSpan FirstBackOff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(120);

    public RetryHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    /// <summary>How many requests were retried, for the summary of a bulk transfer.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    private long _retries;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var rateLimited = 0;
        var networkFailures = 0;
        while (true)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (networkFailures < MaxNetworkRetries && CanRetry(request, e) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(BackOff(networkFailures++), cancellationToken);
                Interlocked.Increment(ref _retries);
                continue;
            }

            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                && rateLimited < MaxRateLimitRetries
                && RetryDelay(response, rateLimited) is { } delay)
            {
                response.Dispose();
                rateLimited++;
                Interlocked.Increment(ref _retries);
                await Task.Delay(delay, cancellationToken);
                continue;
            }

            return response;
        }
    }

    private static bool CanRetry(HttpRequestMessage request, HttpRequestException e)
        => e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            || request.Method == HttpMethod.Get
            || request.Method == HttpMethod.Head
            || request.Method == HttpMethod.Put
            || request.Method == HttpMethod.Delete;

    /// <summary>The wait a 429 asks for; a 503 is retried only when it names one (otherwise the server is really down).</summary>
    private static TimeSpan? RetryDelay(HttpResponseMessage response, int attempt)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? asked = header?.Delta
            ?? (header?.Date is { } date ? date - (response.Headers.Date ?? DateTimeOffset.UtcNow) : null);
        if (asked is null)
        {
            return response.StatusCode == HttpStatusCode.TooManyRequests ? BackOff(attempt) : null;
        }

        return asked < TimeSpan.Zero ? TimeSpan.Zero : asked > MaxRetryAfter ? MaxRetryAfter : asked;
    }

    private static TimeSpan BackOff(int attempt)
    {
        var delay = FirstBackOff * Math.Pow(2, attempt);
        var capped = delay > MaxBackOff ? MaxBackOff : delay;

        // Jitter keeps many concurrent writers from retrying in lock step.
        return capped * (0.75 + (Random.Shared.NextDouble() / 2));
    }
}
