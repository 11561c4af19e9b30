using System.Globalization;
using Stowage.Access;
using Stowage.Access.Limits;
using Stowage.Core.Errors;
using Stowage.Server.Auth;
using Stowage.Server.Features.ObjectStore;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.RateLimits;

/// <summary>
/// Enforces store rate limits on the data plane: a filter of the stores route group, inside
/// authentication and the metering filter (a 429 is counted as rejected, not billed). Only
/// routes addressing one store are limited, and only for callers holding some store right on
/// the addressed environment: anyone else goes on to the route's own 403 untouched, and never
/// sees a store's counts. A request takes a slot before it runs and gives it back unless it
/// succeeds (2xx): only successful requests count, as Anypoint documents. Every answer of a
/// limited store carries <c>X-RateLimit-Limit</c> (requests a minute),
/// <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> (seconds until the next slot
/// frees); a refusal is 429 <c>RATE_LIMITED</c> with <c>Retry-After</c>. No storage is touched.
/// </summary>
public static class RateLimiting
{
    public static RouteGroupBuilder LimitStoreRates(this RouteGroupBuilder stores)
    {
        stores.AddEndpointFilterFactory(Filter);
        return stores;
    }

    private static EndpointFilterDelegate Filter(EndpointFilterFactoryContext factory, EndpointFilterDelegate next)
    {
        var services = factory.ApplicationServices;
        var settings = services.GetRequiredService<RateLimitSettings>();
        var limiter = services.GetRequiredService<StoreRateLimiter>();
        var metrics = services.GetRequiredService<RateLimitMetrics>();
        return async context =>
        {
            if (!settings.AnyLimits)
            {
                return await next(context);
            }

            var http = context.HttpContext;
            if (!http.Request.RouteValues.ContainsKey("store") || DataPlaneRequest.Store(http) is not { IsSuccess: true } address)
            {
                return await next(context);
            }

            // Read, manage or data rights on the environment: whoever can see the store at all.
            if (!http.GetCaller().HasStoreRight(StoreRight.ReadStores, address.Value.OrgId, address.Value.EnvId))
            {
                return await next(context);
            }

            var store = new StoreKey(address.Value.OrgId, address.Value.EnvId, address.Value.StoreId);
            var (policy, level) = settings.Resolve(store.OrgId, store.EnvId, store.StoreId);
            if (policy.IsUnlimited)
            {
                return await next(context);
            }

            var state = limiter.TryAcquire(store, policy, out var ticket);
            if (!ticket.IsAdmitted)
            {
                metrics.Rejected(level);
                WriteHeaders(http.Response, state, refused: true);
                return Problems.Result(
                    ErrorCodes.RateLimited,
                    string.Create(CultureInfo.InvariantCulture, $"Store '{store.StoreId}' is over its rate limit, {policy.Describe()}, set at the {RateLimitLevels.Name(level)} level; retry after {Seconds(state.ResetAfter)} seconds."));
            }

            object? result;
            try
            {
                result = await next(context);
            }
            catch
            {
                limiter.Release(ticket, policy);
                throw;
            }

            if (!Succeeded(result))
            {
                state = limiter.Release(ticket, policy);
            }

            WriteHeaders(http.Response, state, refused: false);
            return result;
        };
    }

    private static bool Succeeded(object? result) => result switch
    {
        IStatusCodeHttpResult { StatusCode: { } status } => status is >= 200 and < 300,
        _ => true,
    };

    private static void WriteHeaders(HttpResponse response, RateLimitState state, bool refused)
    {
        response.Headers["X-RateLimit-Limit"] = state.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Remaining"] = state.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset"] = (state.ResetAfter > TimeSpan.Zero ? Seconds(state.ResetAfter) : 0).ToString(CultureInfo.InvariantCulture);
        if (refused)
        {
            response.Headers.RetryAfter = Seconds(state.ResetAfter).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Whole seconds, rounded up, at least 1: "retry after 0" invites a busy loop.</summary>
    private static long Seconds(TimeSpan span) => Throttle.Seconds(span);
}
