using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Stowage.Access.Apps;
using Stowage.Access.Audit;
using Stowage.Access.Tokens;
using Stowage.Core.Security;
using Stowage.Server.Hosting;
using Stowage.Server.Hosting.Keys;
using Stowage.Server.Infrastructure;
using Stowage.Server.OAuth.Handlers;
using Stowage.Server.OAuth.Stores;

namespace Stowage.Server.OAuth;

public static class OAuthServiceCollectionExtensions
{
    /// <summary>
    /// The OAuth 2.0 server (OpenIddict with Stowage's stores: connected apps, the scope catalog, and authorizations and token entries on the storage provider),
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
        services.AddSingleton<UserGrantCache>();
        services.AddSingleton<DelegatedTokenGate>();
        services.AddSingleton<RequirePasswordGrant>();
        services.AddSingleton<RequireJwtBearerGrant>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<AppTokenValidator>();
        services.AddHostedService<AccessChangeWatcher>();
        services.AddHostedService<GrantPruner>();

        services.AddOpenIddict()
            .AddCore(core =>
            {
                // Stowage's own stores: connected apps and the scope catalog read from memory,
                // authorizations and token entries on the configured storage provider. OpenIddict's
                // entity cache stays off: it is per node, and apps change on any node; so the
                // managers get caches that keep nothing instead of a new MemoryCache per request.
                core.SetDefaultApplicationEntity<OAuthApplication>()
                    .SetDefaultAuthorizationEntity<OAuthAuthorizationEntity>()
                    .SetDefaultScopeEntity<ScopeDefinition>()
                    .SetDefaultTokenEntity<OAuthTokenEntity>()
                    .ReplaceApplicationStore<OAuthApplication, ConnectedAppStore>(ServiceLifetime.Singleton)
                    .ReplaceAuthorizationStore<OAuthAuthorizationEntity, GrantAuthorizationStore>(ServiceLifetime.Singleton)
                    .ReplaceScopeStore<ScopeDefinition, ScopeCatalogStore>(ServiceLifetime.Singleton)
                    .ReplaceTokenStore<OAuthTokenEntity, GrantTokenStore>(ServiceLifetime.Singleton)
                    .ReplaceApplicationManager<OAuthApplication, StowageApplicationManager>()
                    .ReplaceAuthorizationManager<OAuthAuthorizationEntity, StowageAuthorizationManager>()
                    .ReplaceScopeManager<ScopeDefinition, StowageScopeManager>()
                    .ReplaceTokenManager<OAuthTokenEntity, StowageTokenManager>()
                    .DisableEntityCaching();
            })
            .AddServer(server =>
        {
            server.SetAuthorizationEndpointUris(OAuthPaths.Authorization)
                .SetTokenEndpointUris(OAuthPaths.Token)
                .SetRevocationEndpointUris(OAuthPaths.Revocation)
                .SetIntrospectionEndpointUris(OAuthPaths.Introspection)
                .SetUserInfoEndpointUris(OAuthPaths.UserInfo)
                .SetJsonWebKeySetEndpointUris(OAuthPaths.Jwks)
                .SetConfigurationEndpointUris(OAuthPaths.Configuration, OAuthPaths.RootConfiguration);
            server.AllowClientCredentialsFlow()
                .AllowAuthorizationCodeFlow()
                .AllowRefreshTokenFlow()
                .AllowPasswordFlow()
                .AllowCustomFlow(GrantTypeNames.JwtBearer);

            // Codes live 60 s and work once; refresh tokens 90 days, a new one on every use, and
            // using a spent one revokes the whole chain at once (no reuse leeway).
            server.SetAuthorizationCodeLifetime(TimeSpan.FromSeconds(60))
                .SetRefreshTokenLifetime(TimeSpan.FromDays(90))
                .SetRefreshTokenReuseLeeway(TimeSpan.Zero);
            server.RegisterScopes(ScopeCatalog.All.Select(s => s.Name).ToArray());
            server.SetAccessTokenLifetime(options.Tokens.Lifetime);
            server.DisableAccessTokenEncryption();
            if (options.PublicBaseUrl is { } publicBaseUrl)
            {
                server.SetIssuer(OAuthIssuer.From(publicBaseUrl));
            }

            server.UseAspNetCore()
                .DisableTransportSecurityRequirement()
                .EnableAuthorizationEndpointPassthrough()
                .EnableErrorPassthrough();

            server.AddEventHandler(AuthenticateClient.Descriptor)
                .AddEventHandler(SkipClientTokenEntry.Descriptor)
                .AddEventHandler(BoundAuthorizationParameters.Descriptor)
                .AddEventHandler(RequireClientCredentialsGrant.Descriptor)
                .AddEventHandler(SignInClient.Descriptor)
                .AddEventHandler(SignInUser.Descriptor)
                .AddEventHandler(SignInWithPassword.Descriptor)
                .AddEventHandler(ThrottledTokenStatus.Descriptor)
                .AddEventHandler(SignInWithAssertion.Descriptor)
                .AddEventHandler(CaptureTokenId.Descriptor)
                .AddEventHandler(ShapeTokenResponse.Descriptor)
                .AddEventHandler(RequireLiveAppToken.Descriptor)
                .AddEventHandler(RevokeAppToken.Descriptor)
                .AddEventHandler(ShapeIntrospection.Descriptor)
                .AddEventHandler(AttachIntrospectedScopes.Descriptor)
                .AddEventHandler(AttachAppUserInfo.Descriptor)
                .AddEventHandler(OAuthResponses.ChallengeHeaderClientsOnly.Descriptor);
            // Replaced by RevokeAppToken, which also revokes tokens that have no token entry.
            server.RemoveEventHandler(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor);

            // The handlers of the endpoints Stowage does not serve, which only those endpoints'
            // requests reach: OpenIddict's dispatcher looks at every registered handler for every
            // event it raises, so these cost each token request without ever running.
            foreach (var descriptor in UnservedEndpointHandlers())
            {
                server.RemoveEventHandler(descriptor);
            }
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

            // Only the prompts the authorization endpoint honours (discovery lists these).
            server.PromptValues.Clear();
            server.PromptValues.UnionWith([PromptValues.Consent, PromptValues.None]);

            // PKCE with S256 only: "plain" sends the verifier in the clear.
            server.CodeChallengeMethods.Clear();
            server.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
        });

        // OpenIddict traces whole tokens at Trace level (ID6013): its log never goes below
        // Warning, whatever the configuration says, so no token reaches a log line.
        services.PostConfigure<LoggerFilterOptions>(filters =>
            filters.Rules.Add(new LoggerFilterRule(null, "OpenIddict", LogLevel.Warning, null)));
        return services;
    }

    /// <summary>
    /// OpenIddict's handlers that act only on requests of the device authorization, end-user
    /// verification, end session and pushed authorization endpoints (the events of those
    /// endpoints, or a filter that requires one of their requests). Stowage gives none of these
    /// endpoints an address, so OpenIddict never recognizes such a request and these never act.
    /// </summary>
    internal static IEnumerable<OpenIddictServerHandlerDescriptor> UnservedEndpointHandlers()
    {
        string[] endpoints = ["DeviceAuthorization", "EndUserVerification", "EndSession", "PushedAuthorization"];
        Type[] filters =
        [
            typeof(OpenIddictServerHandlerFilters.RequireDeviceAuthorizationRequest),
            typeof(OpenIddictServerHandlerFilters.RequireEndUserVerificationRequest),
            typeof(OpenIddictServerHandlerFilters.RequireEndSessionRequest),
            typeof(OpenIddictServerHandlerFilters.RequirePushedAuthorizationRequest),
        ];
        return OpenIddictServerHandlers.DefaultHandlers.Concat(OpenIddictServerAspNetCoreHandlers.DefaultHandlers).Where(descriptor =>
            endpoints.Any(endpoint => descriptor.ContextType.Name.Contains(endpoint, StringComparison.Ordinal))
            || descriptor.FilterTypes.Any(filters.Contains));
    }
}
