using Stowage.Cli.Config;
using Stowage.Cli.Infrastructure;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Cli.Connection;

/// <summary>Where a data-plane command acts: an organization and one of its environments.</summary>
public sealed record Target(string OrganizationId, string EnvironmentId);

/// <summary>
/// A connection to one server as one profile: the SDK client with the profile's token (or the
/// client credentials of <c>STOWAGE_CLIENT_ID</c>/<c>STOWAGE_CLIENT_SECRET</c>), and the
/// organization and environment chosen by <c>--org</c>/<c>--env</c> or remembered by
/// <c>stowage use</c>, by name or id.
/// </summary>
public sealed class Session : IDisposable
{
    private readonly string? _organizationOption;
    private readonly string? _environmentOption;
    private readonly IDisposable? _tokenSource;
    private string? _organizationId;
    private string? _environmentId;

    public Session(SessionSettings settings, Func<Profile, Task>? saveProfile)
    {
        ProfileName = settings.ProfileName;
        Profile = settings.Profile;
        BaseAddress = settings.BaseAddress;
        Url = settings.BaseAddress.ToString().TrimEnd('/');
        _organizationOption = settings.Organization;
        _environmentOption = settings.Environment;
        Http = HttpClients.Create(settings.BaseAddress, settings.CaFile);

        var clientId = Environment.GetEnvironmentVariable("STOWAGE_CLIENT_ID");
        var clientSecret = Environment.GetEnvironmentVariable("STOWAGE_CLIENT_SECRET");
        ITokenSource tokens;
        if (!string.IsNullOrEmpty(clientId) && !string.IsNullOrEmpty(clientSecret))
        {
            var source = new ClientCredentialsTokenSource(Http, clientId, clientSecret);
            (tokens, _tokenSource) = (source, source);
        }
        else
        {
            // A token belongs to the server it came from: another --url starts without one.
            var sameServer = string.Equals(Profile.Url?.TrimEnd('/'), Url, StringComparison.OrdinalIgnoreCase);
            var source = new ProfileTokenSource(
                Url,
                sameServer ? Profile.AccessToken : null,
                Profile.TokenExpiresAt,
                sameServer && Profile is { ClientId: { } id, ClientSecret: { } secret }
                    ? async ct => await RenewAsync(id, secret, saveProfile, ct)
                    : null);
            (tokens, _tokenSource) = (source, source);
        }

        Client = new StowageClient(Http, tokens);
    }

    public string ProfileName { get; }

    public Profile Profile { get; }

    public Uri BaseAddress { get; }

    public string Url { get; }

    public HttpClient Http { get; }

    public StowageClient Client { get; }

    /// <summary>The organization: <c>--org</c>, else the profile's, else the caller's own (a user's root, an app's owner).</summary>
    public async Task<string> OrganizationIdAsync(CancellationToken cancellationToken)
    {
        if (_organizationId is not null)
        {
            return _organizationId;
        }

        var chosen = _organizationOption ?? Profile.OrganizationId;
        _organizationId = chosen is null
            ? await OwnOrganizationAsync(cancellationToken)
            : await Resolver.OrganizationAsync(Client, chosen, cancellationToken);
        return _organizationId;
    }

    /// <summary>The organization and environment a data-plane command acts on.</summary>
    public async Task<Target> TargetAsync(CancellationToken cancellationToken)
    {
        var organizationId = await OrganizationIdAsync(cancellationToken);
        if (_environmentId is null)
        {
            var chosen = _environmentOption
                ?? (Profile.OrganizationId == organizationId ? Profile.EnvironmentId : null)
                ?? throw CliException.Usage("No environment chosen: pass --env NAME, or remember one with 'stowage use --env NAME'.");
            _environmentId = (await Resolver.EnvironmentAsync(Client, organizationId, chosen, cancellationToken)).Id;
        }

        return new Target(organizationId, _environmentId);
    }

    public void Dispose()
    {
        Client.Dispose();
        _tokenSource?.Dispose();
        Http.Dispose();
    }

    private async Task<string> OwnOrganizationAsync(CancellationToken cancellationToken)
    {
        var me = await Client.GetMeAsync(cancellationToken);
        return me.Client?.OrgId
            ?? me.User?.MemberOfOrganizations.FirstOrDefault(o => o.IsRoot)?.Id
            ?? me.User?.OrganizationId
            ?? throw new CliException(ExitCodes.Failed, "The server did not say which organization this login belongs to; pass --org.");
    }

    private async Task<(string, DateTimeOffset?)> RenewAsync(string clientId, string clientSecret, Func<Profile, Task>? save, CancellationToken cancellationToken)
    {
        TokenResponse answer;
        try
        {
            answer = await StowageClient.RequestClientCredentialsTokenAsync(Http, clientId, clientSecret, cancellationToken: cancellationToken);
        }
        catch (StowageApiException e) when (e.Status is 400 or 401)
        {
            throw new CliException(ExitCodes.Authentication, $"The saved client credentials were refused: {e.Message}. Run 'stowage login' again.", e.Code);
        }

        DateTimeOffset? expires = answer.ExpiresIn > 0 ? DateTimeOffset.UtcNow.AddSeconds(answer.ExpiresIn) : null;
        Profile.AccessToken = answer.AccessToken;
        Profile.TokenExpiresAt = expires;
        if (save is not null)
        {
            await save(Profile);
        }

        return (answer.AccessToken, expires);
    }
}

/// <summary>What a session is opened with, after options, environment variables and the profile were weighed.</summary>
public sealed record SessionSettings(string ProfileName, Profile Profile, Uri BaseAddress, string? CaFile, string? Organization, string? Environment);
