using Stowage.Core.Storage;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// Marks when each request began (<see cref="RequestStart"/>), so that the PostgreSQL
/// backend's deadline bounds the request as a whole, not each of its database operations.
/// Only in the pipeline on that provider: the embedded one has no deadline to keep.
/// </summary>
public sealed class RequestStartMark(RequestDelegate next)
{
    // Async on purpose: the mark lives in this method's execution context and is gone when it returns.
    public async Task InvokeAsync(HttpContext context)
    {
        using var mark = RequestStart.Begin();
        await next(context).ConfigureAwait(false);
    }
}
