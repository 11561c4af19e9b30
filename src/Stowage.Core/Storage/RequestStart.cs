namespace Stowage.Core.Storage;

/// <summary>
/// When the request this code runs for began, so that a storage backend can bound the whole
/// request rather than each of its operations: the API promises a 503 within 5 seconds from a
/// database that stopped answering, and a request that makes several storage calls must not
/// get a deadline per call. The host marks each request for its duration
/// (<see cref="Begin"/>) before any of its storage calls; work outside a request (background
/// services) has no mark and each of its operations keeps its own deadline.
/// </summary>
public static class RequestStart
{
    private static readonly AsyncLocal<Mark> Current = new();

    /// <summary>
    /// Marks the current request as begun now, until the returned mark is disposed. Call it in
    /// an async method, whose return restores the caller's context. Disposing ends the mark even
    /// for work that captured the request's context and outlives it (a loop started lazily by
    /// the request's first use of a service), so such work is never bound by a request's time.
    /// </summary>
    public static IDisposable Begin()
    {
        var mark = new Mark(Environment.TickCount64);
        Current.Value = mark;
        return mark;
    }

    /// <summary>
    /// The time left before <paramref name="budget"/>, counted from the current request's
    /// start, runs out (never negative); <paramref name="budget"/> itself outside a request.
    /// </summary>
    public static TimeSpan Remaining(TimeSpan budget)
    {
        var started = Current.Value?.Started ?? 0;
        if (started == 0)
        {
            return budget;
        }

        var left = budget.TotalMilliseconds - (Environment.TickCount64 - started);
        return left <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(left);
    }

    private sealed class Mark(long started) : IDisposable
    {
        private long _started = started;

        public long Started => Volatile.Read(ref _started);

        public void Dispose() => Volatile.Write(ref _started, 0);
    }
}
