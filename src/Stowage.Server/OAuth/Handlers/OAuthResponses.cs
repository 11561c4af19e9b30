using Microsoft.AspNetCore;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.OAuth.Handlers;

/// <summary>
/// The error dialect on every OpenIddict answer: RFC 6749 <c>{error, error_description}</c> plus
/// <c>message</c> (the same text), without OpenIddict's <c>error_uri</c> into its own docs.
/// </summary>
internal static class OAuthResponses
{
    /// <summary>After OpenIddict's own normalization, before the status code and headers are set.</summary>
    public const int ShapeOrder = 50_000;

    /// <summary>
    /// After the WWW-Authenticate header is built from the response (which would otherwise
    /// repeat the message there), before the JSON body is written.
    /// </summary>
    public const int MessageOrder = 400_000;

    public static void ShapeError(OpenIddictResponse response)
    {
        if (string.IsNullOrEmpty(response.Error))
        {
            return;
        }

        response.ErrorDescription ??= response.Error;
        response.ErrorUri = null;
    }

    public static void AddMessage(OpenIddictResponse response)
    {
        if (!string.IsNullOrEmpty(response.Error))
        {
            response.SetParameter("message", response.ErrorDescription ?? response.Error);
        }
    }

    public static void Keep(OpenIddictResponse response, params ReadOnlySpan<string> names)
    {
        // Collected first: the parameters cannot change while they are enumerated.
        List<string>? dropped = null;
        foreach (var (name, _) in response.GetParameters())
        {
            if (!names.Contains(name))
            {
                (dropped ??= []).Add(name);
            }
        }

        if (dropped is not null)
        {
            foreach (var name in dropped)
            {
                response.RemoveParameter(name);
            }
        }
    }

    /// <summary>Drops <c>error_uri</c> from the errors of the other endpoints (the token endpoint's are shaped with its answer).</summary>
    public sealed class ShapeErrors :
        IOpenIddictServerHandler<ApplyRevocationResponseContext>,
        IOpenIddictServerHandler<ApplyIntrospectionResponseContext>,
        IOpenIddictServerHandler<ApplyUserInfoResponseContext>,
        IOpenIddictServerHandler<ApplyConfigurationResponseContext>,
        IOpenIddictServerHandler<ApplyJsonWebKeySetResponseContext>
    {
        public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors { get; } =
        [
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyRevocationResponseContext>().UseSingletonHandler<ShapeErrors>()
                .SetOrder(ShapeOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyIntrospectionResponseContext>().UseSingletonHandler<ShapeErrors>()
                .SetOrder(ShapeOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyUserInfoResponseContext>().UseSingletonHandler<ShapeErrors>()
                .SetOrder(ShapeOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyConfigurationResponseContext>().UseSingletonHandler<ShapeErrors>()
                .SetOrder(ShapeOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyJsonWebKeySetResponseContext>().UseSingletonHandler<ShapeErrors>()
                .SetOrder(ShapeOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
        ];

        public ValueTask HandleAsync(ApplyRevocationResponseContext context) => Shape(context.Response);

        public ValueTask HandleAsync(ApplyIntrospectionResponseContext context) => Shape(context.Response);

        public ValueTask HandleAsync(ApplyUserInfoResponseContext context) => Shape(context.Response);

        public ValueTask HandleAsync(ApplyConfigurationResponseContext context) => Shape(context.Response);

        public ValueTask HandleAsync(ApplyJsonWebKeySetResponseContext context) => Shape(context.Response);

        private static ValueTask Shape(OpenIddictResponse response)
        {
            ShapeError(response);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// RFC 6749 §5.2: a token-endpoint 401 carries <c>WWW-Authenticate</c> only when the client
    /// authenticated with the Authorization header. OpenIddict never sees that header (the
    /// request gate turns Basic credentials into parameters), so its challenge is kept or
    /// dropped here, after the host has built it and before the body is written.
    /// </summary>
    public sealed class ChallengeHeaderClientsOnly : IOpenIddictServerHandler<ApplyTokenResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>().UseSingletonHandler<ChallengeHeaderClientsOnly>()
                .SetOrder(MessageOrder + 1).SetType(OpenIddictServerHandlerType.Custom).Build();

        public ValueTask HandleAsync(ApplyTokenResponseContext context)
        {
            if (context.Transaction.GetHttpRequest()?.HttpContext is not { } http)
            {
                return ValueTask.CompletedTask;
            }

            if (!OAuthRequestGate.UsedAuthorizationHeader(http))
            {
                http.Response.Headers.Remove(HeaderNames.WWWAuthenticate);
            }
            else if (http.Response.StatusCode == StatusCodes.Status401Unauthorized && StringValues.IsNullOrEmpty(http.Response.Headers.WWWAuthenticate))
            {
                http.Response.Headers.WWWAuthenticate = OAuthErrors.BasicChallenge;
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Adds <c>message</c> (the error description again) to every OAuth error body.</summary>
    public sealed class AddMessages :
        IOpenIddictServerHandler<ApplyTokenResponseContext>,
        IOpenIddictServerHandler<ApplyRevocationResponseContext>,
        IOpenIddictServerHandler<ApplyIntrospectionResponseContext>,
        IOpenIddictServerHandler<ApplyUserInfoResponseContext>,
        IOpenIddictServerHandler<ApplyConfigurationResponseContext>,
        IOpenIddictServerHandler<ApplyJsonWebKeySetResponseContext>
    {
        public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors { get; } =
        [
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>().UseSingletonHandler<AddMessages>()
                .SetOrder(MessageOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyRevocationResponseContext>().UseSingletonHandler<AddMessages>()
                .SetOrder(MessageOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyIntrospectionResponseContext>().UseSingletonHandler<AddMessages>()
                .SetOrder(MessageOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyUserInfoResponseContext>().UseSingletonHandler<AddMessages>()
                .SetOrder(MessageOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyConfigurationResponseContext>().UseSingletonHandler<AddMessages>()
                .SetOrder(MessageOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyJsonWebKeySetResponseContext>().UseSingletonHandler<AddMessages>()
                .SetOrder(MessageOrder).SetType(OpenIddictServerHandlerType.Custom).Build(),
        ];

        public ValueTask HandleAsync(ApplyTokenResponseContext context) => Add(context.Response);

        public ValueTask HandleAsync(ApplyRevocationResponseContext context) => Add(context.Response);

        public ValueTask HandleAsync(ApplyIntrospectionResponseContext context) => Add(context.Response);

        public ValueTask HandleAsync(ApplyUserInfoResponseContext context) => Add(context.Response);

        public ValueTask HandleAsync(ApplyConfigurationResponseContext context) => Add(context.Response);

        public ValueTask HandleAsync(ApplyJsonWebKeySetResponseContext context) => Add(context.Response);

        private static ValueTask Add(OpenIddictResponse response)
        {
            AddMessage(response);
            return ValueTask.CompletedTask;
        }
    }
}
