using System.Collections.Frozen;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.OAuth.Handlers;

/// <summary>
/// Replaces OpenIddict's <c>InferEndpointType</c> with the same rule and a cheaper way of
/// applying it. OpenIddict resolves every configured endpoint URI against the request's base
/// URI and compares absolute paths on every request (and formats a log message it then
/// drops); Stowage configures relative endpoint paths only, so the request path is looked up
/// in a table built once from the same options. Same matching: paths ignoring case, and a
/// request path may differ from the configured one by one trailing slash.
/// </summary>
internal sealed class InferEndpointTypeFromPath : IOpenIddictServerHandler<ProcessRequestContext>
{
    private FrozenDictionary<string, OpenIddictServerEndpointType>? _endpoints;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
            .UseSingletonHandler<InferEndpointTypeFromPath>()
            .SetOrder(OpenIddictServerHandlers.InferEndpointType.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessRequestContext context)
    {
        // Options do not change once the server runs: built on the first request, a benign race before that.
        var endpoints = _endpoints ??= Build(context.Options);
        var path = context.Transaction.GetHttpRequest()?.Path.Value;
        context.EndpointType = path is { Length: > 0 }
            && (endpoints.TryGetValue(path, out var type) || (path.Length > 1 && path[^1] == '/' && endpoints.TryGetValue(path[..^1], out type)))
                ? type
                : OpenIddictServerEndpointType.Unknown;
        return ValueTask.CompletedTask;
    }

    /// <summary>Request path (below the path base, no trailing slash) → endpoint.</summary>
    /// <exception cref="InvalidOperationException">An endpoint is configured with an absolute URI (Stowage never does).</exception>
    internal static FrozenDictionary<string, OpenIddictServerEndpointType> Build(OpenIddictServerOptions options)
    {
        // Stowage's paths are all distinct; were two the same, the first list here would win.
        (IEnumerable<Uri> Uris, OpenIddictServerEndpointType Type)[] lists =
        [
            (options.AuthorizationEndpointUris, OpenIddictServerEndpointType.Authorization),
            (options.ConfigurationEndpointUris, OpenIddictServerEndpointType.Configuration),
            (options.DeviceAuthorizationEndpointUris, OpenIddictServerEndpointType.DeviceAuthorization),
            (options.EndSessionEndpointUris, OpenIddictServerEndpointType.EndSession),
            (options.EndUserVerificationEndpointUris, OpenIddictServerEndpointType.EndUserVerification),
            (options.IntrospectionEndpointUris, OpenIddictServerEndpointType.Introspection),
            (options.JsonWebKeySetEndpointUris, OpenIddictServerEndpointType.JsonWebKeySet),
            (options.PushedAuthorizationEndpointUris, OpenIddictServerEndpointType.PushedAuthorization),
            (options.RevocationEndpointUris, OpenIddictServerEndpointType.Revocation),
            (options.TokenEndpointUris, OpenIddictServerEndpointType.Token),
            (options.UserInfoEndpointUris, OpenIddictServerEndpointType.UserInfo),
        ];

        var table = new Dictionary<string, OpenIddictServerEndpointType>(StringComparer.OrdinalIgnoreCase);
        foreach (var (uris, type) in lists)
        {
            foreach (var uri in uris)
            {
                if (uri.IsAbsoluteUri)
                {
                    throw new InvalidOperationException($"The {type} endpoint is configured with an absolute URI; only relative paths are supported.");
                }

                table.TryAdd("/" + uri.OriginalString.Trim('/'), type);
            }
        }

        return table.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
