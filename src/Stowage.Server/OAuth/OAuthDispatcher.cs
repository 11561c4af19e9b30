using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.OAuth;

/// <summary>
/// OpenIddict's event dispatcher with the same semantics as its own (every handler registered
/// for the event, in order, each only when all its filters are active; stop when a handler
/// handles, skips or rejects the request), without its per-event cost. OpenIddict's
/// dispatcher walks every registered descriptor (a few hundred) for each event and resolves
/// each candidate's filters and handler from the request's services; a token request raises
/// dozens of events, which made this about a sixth of its CPU (docs/performance.md). Here the
/// descriptors of an event are found once, and handlers and filters registered as singletons
/// are resolved once; scoped and transient ones still come from the request's services.
/// </summary>
internal sealed partial class OAuthDispatcher(OAuthHandlerTable table, IServiceProvider services, ILogger<OAuthDispatcher> logger) : IOpenIddictServerDispatcher
{
    public async ValueTask DispatchAsync<TContext>(TContext context)
        where TContext : BaseContext
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var entry in table.For<TContext>())
        {
            if (!await IsActiveAsync(entry, context))
            {
                continue;
            }

            var handler = entry.Handler
                ?? services.GetService(entry.ServiceType) as IOpenIddictServerHandler<TContext>
                ?? throw new InvalidOperationException($"The OpenIddict handler {entry.ServiceType} is not registered.");
            await handler.HandleAsync(context);
            if (context is BaseRequestContext { IsRequestHandled: true } or BaseRequestContext { IsRequestSkipped: true }
                or BaseValidatingContext { IsRejected: true })
            {
                LogStopped(logger, typeof(TContext).Name, entry.ServiceType.Name);
                return;
            }
        }
    }

    private async ValueTask<bool> IsActiveAsync<TContext>(OAuthHandlerTable.Entry<TContext> entry, TContext context)
        where TContext : BaseContext
    {
        foreach (var (instance, type) in entry.Filters)
        {
            var filter = instance
                ?? services.GetService(type) as IOpenIddictServerHandlerFilter<TContext>
                ?? throw new InvalidOperationException($"The OpenIddict handler filter {type} is not registered.");
            if (!await filter.IsActiveAsync(context))
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Trace, Message = "{Context} stopped after {Handler}.")]
    private static partial void LogStopped(ILogger logger, string context, string handler);
}

/// <summary>
/// The handlers of each OpenIddict event, in order, with the singletons among them and their
/// filters already resolved. Rebuilt if OpenIddict's options ever change.
/// </summary>
internal sealed class OAuthHandlerTable(IOptionsMonitor<OpenIddictServerOptions> options, IServiceProvider root, IReadOnlySet<Type> singletons)
{
    private readonly ConcurrentDictionary<Type, object> _byContext = new();
    private object? _source;

    internal sealed record Entry<TContext>(
        Type ServiceType, IOpenIddictServerHandler<TContext>? Handler, (IOpenIddictServerHandlerFilter<TContext>? Instance, Type Type)[] Filters)
        where TContext : BaseContext;

    public Entry<TContext>[] For<TContext>()
        where TContext : BaseContext
    {
        var descriptors = options.CurrentValue.Handlers;
        if (!ReferenceEquals(Volatile.Read(ref _source), descriptors))
        {
            _byContext.Clear();
            Volatile.Write(ref _source, descriptors);
        }

        return (Entry<TContext>[])_byContext.GetOrAdd(typeof(TContext), _ => Build<TContext>(descriptors));
    }

    private Entry<TContext>[] Build<TContext>(IReadOnlyList<OpenIddictServerHandlerDescriptor> descriptors)
        where TContext : BaseContext
    {
        // OpenIddict sorts the descriptors by order when its options are built; that order is kept.
        var entries = new List<Entry<TContext>>();
        foreach (var descriptor in descriptors)
        {
            if (descriptor.ContextType != typeof(TContext))
            {
                continue;
            }

            var service = descriptor.ServiceDescriptor;
            var handler = service.ImplementationInstance as IOpenIddictServerHandler<TContext>
                ?? (service.Lifetime == ServiceLifetime.Singleton ? root.GetService(service.ServiceType) as IOpenIddictServerHandler<TContext> : null);
            var filters = descriptor.FilterTypes
                .Select(type => (singletons.Contains(type) ? root.GetService(type) as IOpenIddictServerHandlerFilter<TContext> : null, type))
                .ToArray();
            entries.Add(new Entry<TContext>(service.ServiceType, handler, filters));
        }

        return [.. entries];
    }
}
