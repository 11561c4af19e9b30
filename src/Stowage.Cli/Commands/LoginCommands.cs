using System.CommandLine;
using Spectre.Console;
using Stowage.Cli.Connection;
using Stowage.Cli.Infrastructure;
using Stowage.Client;
using Profile = Stowage.Cli.Config.Profile;

namespace Stowage.Cli.Commands;

/// <summary><c>login</c>, <c>logout</c> and <c>use</c>: the profile's session and its default organization and environment.</summary>
public static class LoginCommands
{
    private static readonly Option<string?> Username = new("--username", "-u") { Description = "User name (prompted when not given)" };
    private static readonly Option<string?> Password = new("--password")
    {
        Description = "Password; prefer the prompt, or a line on standard input (other users can see command lines)",
    };

    private static readonly Option<string?> ClientId = new("--client-id") { Description = "A connected app's client id [env: STOWAGE_CLIENT_ID]" };
    private static readonly Option<string?> ClientSecret = new("--client-secret")
    {
        Description = "The app's client secret [env: STOWAGE_CLIENT_SECRET; prompted when not given]",
    };

    private static readonly Option<bool> SaveSecret = new("--save-secret")
    {
        Description = "Keep the client secret in the config file (mode 0600) so the token renews itself",
    };

    public static Command Login()
    {
        var command = new Command("login", "Sign in as a user or a connected app and remember the session in a profile")
        {
            Username, Password, ClientId, ClientSecret, SaveSecret,
        };
        return command.Handle(LoginAsync);
    }

    public static Command Logout()
    {
        var command = new Command("logout", "Revoke the profile's token and forget it");
        return command.Handle(LogoutAsync);
    }

    public static Command Use()
    {
        var command = new Command("use", "Remember --org and --env as the profile's defaults; without them, show the profile");
        return command.Handle(UseAsync);
    }

    private static async Task LoginAsync(CliContext context, CancellationToken cancellationToken)
    {
        var profile = context.LoadProfile(context.ProfileName);
        var url = context.ServerUrl(profile);
        var caFile = context.Value(CliContext.CaFileOption) ?? (SameServer(profile, url) ? profile.CaFile : null);
        var username = context.Value(Username);
        var clientId = context.Value(ClientId) ?? (username is null ? CliContext.EnvironmentValue("STOWAGE_CLIENT_ID") : null);
        if (username is not null && clientId is not null)
        {
            throw CliException.Usage("Sign in either as a user (--username) or as an app (--client-id), not both.");
        }

        using var http = HttpClients.Create(url, caFile);
        string token;
        long expiresIn;
        string? secretToKeep = null;
        if (clientId is not null)
        {
            var secret = context.Value(ClientSecret) ?? CliContext.EnvironmentValue("STOWAGE_CLIENT_SECRET") ?? ReadSecret(context, "Client secret");
            var answer = await Authenticate(() => StowageClient.RequestClientCredentialsTokenAsync(http, clientId, secret, cancellationToken: cancellationToken));
            (token, expiresIn) = (answer.AccessToken, answer.ExpiresIn);
            secretToKeep = context.Value(SaveSecret) ? secret : null;
        }
        else
        {
            if (context.Value(SaveSecret))
            {
                throw CliException.Usage("--save-secret keeps a client secret; a user's password is never kept.");
            }

            username ??= context.Terminal.InputIsTerminal
                ? context.Terminal.ErrorConsole.Prompt(new TextPrompt<string>("Username:"))
                : throw CliException.Usage("Pass --username (or --client-id for a connected app); there is no terminal to ask on.");
            var password = context.Value(Password) ?? ReadSecret(context, "Password");
            var answer = await Authenticate(() => StowageClient.LoginAsync(http, username, password, cancellationToken));
            (token, expiresIn) = (answer.AccessToken, answer.ExpiresIn);
        }

        var signedIn = new Profile
        {
            Url = url.ToString().TrimEnd('/'),
            CaFile = caFile is null ? null : Path.GetFullPath(caFile),
            Username = clientId is null ? username : null,
            ClientId = clientId,
            ClientSecret = secretToKeep,
            AccessToken = token,
            TokenExpiresAt = expiresIn > 0 ? DateTimeOffset.UtcNow.AddSeconds(expiresIn) : null,
        };

        // Keep the defaults chosen earlier for this server unless the login names new ones.
        if (SameServer(profile, url))
        {
            (signedIn.OrganizationId, signedIn.OrganizationName) = (profile.OrganizationId, profile.OrganizationName);
            (signedIn.EnvironmentId, signedIn.EnvironmentName) = (profile.EnvironmentId, profile.EnvironmentName);
        }

        await context.SaveProfileAsync(context.ProfileName, signedIn);
        using (var session = context.OpenSession())
        {
            await ChooseDefaultsAsync(context, session, signedIn, cancellationToken);
        }

        await context.SaveProfileAsync(context.ProfileName, signedIn);
        var who = signedIn.Username ?? $"app {signedIn.ClientId}";
        var where = signedIn.EnvironmentName is null
            ? $"organization {signedIn.OrganizationName ?? signedIn.OrganizationId}"
            : $"organization {signedIn.OrganizationName ?? signedIn.OrganizationId}, environment {signedIn.EnvironmentName}";
        context.Output.Message($"Signed in to {signedIn.Url} as {who} ({where}); profile '{context.ProfileName}' in {context.Config.Path}.");
        if (!context.Output.IsText)
        {
            context.Output.WriteObject(View(context.ProfileName, signedIn), CliJsonContext.Default.ProfileView, []);
        }
    }

    private static async Task LogoutAsync(CliContext context, CancellationToken cancellationToken)
    {
        var profile = context.LoadProfile(context.ProfileName);
        if (profile.AccessToken is null)
        {
            context.Output.Message($"Profile '{context.ProfileName}' is not signed in.");
            return;
        }

        using (var session = context.OpenSession())
        {
            try
            {
                await session.Client.LogoutAsync(cancellationToken);
            }
            catch (StowageApiException e) when (e.Status == 401)
            {
                // Already expired or revoked: the server has nothing left to end.
            }
        }

        profile.ForgetSession();
        await context.SaveProfileAsync(context.ProfileName, profile);
        context.Output.Message($"Signed out of {profile.Url}; the token is revoked and forgotten.");
    }

    private static async Task UseAsync(CliContext context, CancellationToken cancellationToken)
    {
        var profile = context.LoadProfile(context.ProfileName);
        var organization = context.Value(CliContext.OrgOption);
        var environment = context.Value(CliContext.EnvOption);
        if (organization is not null || environment is not null)
        {
            using var session = context.OpenSession();
            if (organization is not null)
            {
                // A new organization drops the old environment, which belonged to the old one.
                profile.OrganizationId = null;
                profile.EnvironmentId = null;
                profile.EnvironmentName = null;
            }

            await ChooseDefaultsAsync(context, session, profile, cancellationToken);
            await context.SaveProfileAsync(context.ProfileName, profile);
        }

        var view = View(context.ProfileName, profile);
        context.Output.WriteObject(view, CliJsonContext.Default.ProfileView,
        [
            ("profile", view.Profile),
            ("url", view.Url ?? "-"),
            ("signed in as", view.Username ?? (view.ClientId is null ? "-" : "app " + view.ClientId)),
            ("organization", Describe(view.OrganizationName, view.OrganizationId)),
            ("environment", Describe(view.EnvironmentName, view.EnvironmentId)),
            ("token expires", view.TokenExpiresAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-"),
            ("config file", context.Config.Path),
        ]);
    }

    /// <summary>Resolves <c>--org</c>/<c>--env</c> (or the caller's own organization) into the profile's defaults.</summary>
    private static async Task ChooseDefaultsAsync(CliContext context, Session session, Profile profile, CancellationToken cancellationToken)
    {
        var organizationId = await session.OrganizationIdAsync(cancellationToken);
        if (organizationId != profile.OrganizationId || profile.OrganizationName is null)
        {
            profile.OrganizationId = organizationId;
            profile.OrganizationName = await TryOrganizationNameAsync(session.Client, organizationId, cancellationToken);
        }

        if (context.Value(CliContext.EnvOption) is { } environment)
        {
            var resolved = await Resolver.EnvironmentAsync(session.Client, organizationId, environment, cancellationToken);
            profile.EnvironmentId = resolved.Id;
            profile.EnvironmentName = resolved.Name;
        }
    }

    private static async Task<string?> TryOrganizationNameAsync(StowageClient client, string organizationId, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetOrganizationAsync(organizationId, cancellationToken)).Name;
        }
        catch (StowageApiException)
        {
            // An app may lack read:organization; the id is enough to work with.
            return null;
        }
    }

    private static async Task<T> Authenticate<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StowageApiException e) when (e.Status is 400 or 401 or 403)
        {
            throw new CliException(ExitCodes.Authentication, "Sign-in refused: " + e.Message, e.Code);
        }
    }

    /// <summary>Prompts without echo on a terminal; otherwise reads one line of standard input (for scripts).</summary>
    private static string ReadSecret(CliContext context, string label)
    {
        if (context.Terminal.InputIsTerminal)
        {
            return context.Terminal.ErrorConsole.Prompt(new TextPrompt<string>(label + ":").Secret());
        }

        return Console.In.ReadLine() is { Length: > 0 } line
            ? line
            : throw CliException.Usage($"{label} not given: pass it, or write it as one line to standard input.");
    }

    private static bool SameServer(Profile profile, Uri url) =>
        string.Equals(profile.Url?.TrimEnd('/'), url.ToString().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static string Describe(string? name, string? id) => (name, id) switch
    {
        (null, null) => "-",
        (null, _) => id!,
        _ when name == id => id!,
        _ => $"{name} ({id})",
    };

    private static ProfileView View(string name, Profile profile) => new(
        name, profile.Url, profile.Username, profile.ClientId, profile.OrganizationId, profile.OrganizationName,
        profile.EnvironmentId, profile.EnvironmentName, profile.TokenExpiresAt, profile.AccessToken is not null);
}

/// <summary>What <c>use</c> shows of a profile: never the token or a secret.</summary>
public sealed record ProfileView(
    string Profile,
    string? Url,
    string? Username,
    string? ClientId,
    string? OrganizationId,
    string? OrganizationName,
    string? EnvironmentId,
    string? EnvironmentName,
    DateTimeOffset? TokenExpiresAt,
    bool SignedIn);
