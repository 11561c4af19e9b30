using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Stowage.Server.OAuth.Handlers;

/// <summary>
/// Bounds on the authorization request's free-form parameters, checked before anything else:
/// a PKCE challenge is what RFC 7636 §4.2 allows (43 to 128 characters of the unreserved set;
/// anything else could never match a verifier), and state and nonce are at most
/// <see cref="MaxEchoedLength"/> characters, since they travel back in addresses and tokens.
/// </summary>
internal sealed class BoundAuthorizationParameters : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public const int MaxEchoedLength = 1024;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseSingletonHandler<BoundAuthorizationParameters>()
            .SetOrder(int.MinValue + 50_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var request = context.Request;
        if (request.State is { Length: > MaxEchoedLength } || request.Nonce is { Length: > MaxEchoedLength })
        {
            context.Reject(Errors.InvalidRequest, $"The 'state' and 'nonce' parameters are limited to {MaxEchoedLength} characters.");
        }
        else if (request.CodeChallenge is { } challenge && !IsPkceValue(challenge))
        {
            context.Reject(Errors.InvalidRequest, "The 'code_challenge' parameter must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~' (RFC 7636).");
        }

        return ValueTask.CompletedTask;
    }

    private static bool IsPkceValue(string value)
    {
        if (value.Length is < 43 or > 128)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
            {
                return false;
            }
        }

        return true;
    }
}
