using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Stowage.Access.Apps;
using Stowage.Access.Audit;
using Stowage.Access.Tokens;
using Stowage.Core.Security;
using Stowage.Server.Hosting;
using Stowage.Server.Hosting.Keys;
using Stowage.Server.Infrastructure;
using Stowage.Server.OAuth.Handlers;

namespace Stowage.Server.OAuth;

public static class OAuthServiceCollectionExtensions
{
    /// <summary>
    /// The OAuth 2.0 server (OpenIddict in degraded mode over <see cref="IConnectedAppRepository"/>),
    /// the client secret protector, client authentication and local validation of app tokens
    /// with the caches that keep them free of database reads, the change watcher that keeps
    /// those caches current, and throttling.
    /// </summary>
    public static IServiceCollection AddStowageOAuth(this IServiceCollection services, StowageOptions options)
    {
        services.AddSingleton(sp => OAuthKeys.LoadOrCreate(sp.GetRequiredService<IKeyMaterial>()));
        services.TryAddSingleton<ISecretProtector>(sp =>
        {
            var key = DataKeys.LoadOrCreate(sp.GetRequiredService<IKeyMaterial>());
            try
            {
                return new AesGcmSecretProtector(new AesGcmProtector(key, DataKeys.KeyId));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        });

        services.TryAddSingleton(new ThrottleOptions
        {
            Window = TimeSpan.FromSeconds(options.Throttle.WindowSeconds),
            ClientIdLimit = options.Throttle.ClientIdLimit,
            UsernameLimit = options.Throttle.UsernameLimit,
            AddressLimit = options.Throttle.AddressLimit,
        });
        services.TryAddSingleton<Throttle>();
        services.AddHostedService<ThrottleSharing>();
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<RefusalCounters>();
        services.AddSingleton<OAuthAudit>();

        services.AddSingleton<AppStateCache>();
        services.AddSingleton<RevokedTokenSet>();
        services.AddSingleton<AccessChangeFollower>();
        services.AddSingleton<AppTokenGate>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<AppTokenValidator>();
        services.AddHostedService<AccessChangeWatcher>();

        services.AddOpenIddict().AddServer(server =>
        {
            server.EnableDegradedMode();
            server.SetTokenEndpointUris(OAuthPaths.Token)
                .SetRevocationEndpointUris(OAuthPaths.Revocation)
                .SetIntrospectionEndpointUris(OAuthPaths.Introspection)
                .SetUserInfoEndpointUris(OAuthPaths.UserInfo)
                .SetJsonWebKeySetEndpointUris(OAuthPaths.Jwks)
                .SetConfigurationEndpointUris(OAuthPaths.Configuration, OAuthPaths.RootConfiguration);
            server.AllowClientCredentialsFlow();
            server.RegisterScopes(ScopeCatalog.All.Select(s => s.Name).ToArray());
            server.SetAccessTokenLifetime(options.Tokens.Lifetime);
            server.DisableAccessTokenEncryption();
            if (options.PublicBaseUrl is { } publicBaseUrl)
            {
                server.SetIssuer(OAuthIssuer.From(publicBaseUrl));
            }

            server.UseAspNetCore()
                .DisableTransportSecurityRequirement();

            server.AddEventHandler(AuthenticateClient.Descriptor)
                .AddEventHandler(RequireClientCredentialsGrant.Descriptor)
                .AddEventHandler(SignInClient.Descriptor)
                .AddEventHandler(CaptureTokenId.Descriptor)
                .AddEventHandler(ShapeTokenResponse.Descriptor)
                .AddEventHandler(RequireLiveAppToken.Descriptor)
                .AddEventHandler(RevokeAppToken.Descriptor)
                .AddEventHandler(ShapeIntrospection.Descriptor)
                .AddEventHandler(AttachIntrospectedScopes.Descriptor)
                .AddEventHandler(AttachAppUserInfo.Descriptor)
                .AddEventHandler(AttachAuthorizationEndpoint.Descriptor)
                .AddEventHandler(OAuthResponses.ChallengeHeaderClientsOnly.Descriptor);
            foreach (var descriptor in RequireOwnToken.Descriptors.Concat(OAuthResponses.ShapeErrors.Descriptors).Concat(OAuthResponses.AddMessages.Descriptors))
            {
                server.AddEventHandler(descriptor);
            }
        });

        // The persisted keys, from DI (read when the options are first used, not at registration),
        // and only the client authentication methods Stowage implements.
        services.AddOptions<OpenIddictServerOptions>().Configure<OAuthKeys>((server, keys) =>
        {
            server.SigningCredentials.Add(new SigningCredentials(keys.SigningKey, SecurityAlgorithms.EcdsaSha256));
            server.EncryptionCredentials.Add(new EncryptingCredentials(keys.EncryptionKey, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            server.ClientAuthenticationMethods.Clear();
            server.ClientAuthenticationMethods.UnionWith(["client_secret_basic", "client_secret_post"]);
            server.ClientAssertionTypes.Clear();
        });

        // OpenIddict traces whole tokens at Trace level (ID6013): its log never goes below
        // Warning, whatever the configuration says, so no token reaches a log line.
        services.PostConfigure<LoggerFilterOptions>(filters =>
            filters.Rules.Add(new LoggerFilterRule(null, "OpenIddict", LogLevel.Warning, null)));
        return services;
    }
}
