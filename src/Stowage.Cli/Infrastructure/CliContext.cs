using System.CommandLine;
using Stowage.Cli.Config;
using Stowage.Cli.Connection;

namespace Stowage.Cli.Infrastructure;

/// <summary>
/// One invocation: the parsed command line, the terminal, the output format and the config
/// file. Options win over environment variables, which win over the profile.
/// </summary>
public sealed class CliContext
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    public const string DefaultProfile = "default";

    public static readonly Option<string?> UrlOption = new("--url")
    {
        Description = "The server's base URL [env: STOWAGE_URL; default: the profile's, else " + DefaultUrl + "]",
        Recursive = true,
        HelpName = "URL",
    };

    public static readonly Option<string?> CaFileOption = new("--ca-file")
    {
        Description = "Also trust this PEM certificate authority (e.g. data/tls/ca.pem)",
        Recursive = true,
        HelpName = "FILE",
    };

    public static readonly Option<string?> ProfileOption = new("--profile")
    {
        Description = "The profile to use, to keep several servers apart [env: STOWAGE_PROFILE; default: default]",
        Recursive = true,
        HelpName = "NAME",
    };

    public static readonly Option<string?> OrgOption = new("--org")
    {
        Description = "Organization (business group), by name or id [default: the profile's]",
        Recursive = true,
        HelpName = "ORG",
    };

    public static readonly Option<string?> EnvOption = new("--env")
    {
        Description = "Environment, by name or id [default: the profile's]",
        Recursive = true,
        HelpName = "ENV",
    };

    public static readonly Option<string> OutputOption = CreateOutputOption();

    private CliContext(ParseResult parse, Terminal terminal)
    {
        Parse = parse;
        Terminal = terminal;
        Output = new Output(terminal, parse.GetValue(OutputOption) switch
        {
            "json" => OutputFormat.Json,
            "jsonl" => OutputFormat.Jsonl,
            _ => OutputFormat.Text,
        });
        Config = new ConfigFile(ConfigFile.DefaultDirectory());
        ProfileName = parse.GetValue(ProfileOption) ?? EnvironmentValue("STOWAGE_PROFILE") ?? DefaultProfile;
    }

    public ParseResult Parse { get; }

    public Terminal Terminal { get; }

    public Output Output { get; }

    public ConfigFile Config { get; }

    public string ProfileName { get; }

    public static CliContext From(ParseResult parse, Terminal terminal) => new(parse, terminal);

    public T? Value<T>(Option<T> option) => Parse.GetValue(option);

    public T? Value<T>(Argument<T> argument) => Parse.GetValue(argument);

    public Profile LoadProfile(string name) =>
        Config.Load().Profiles.TryGetValue(name, out var profile) ? profile : new Profile();

    /// <summary>Writes one profile back; the others are re-read first, so two commands at once lose nothing but their own race.</summary>
    public Task SaveProfileAsync(string name, Profile profile)
    {
        var document = Config.Load();
        document.Profiles[name] = profile;
        Config.Save(document);
        return Task.CompletedTask;
    }

    /// <summary>The URL this invocation talks to: <c>--url</c>, <c>STOWAGE_URL</c>, the profile's, the default.</summary>
    public Uri ServerUrl(Profile profile) =>
        HttpClients.ParseUrl(Value(UrlOption) ?? EnvironmentValue("STOWAGE_URL") ?? profile.Url ?? DefaultUrl);

    /// <summary>Opens the session of the selected profile (or of <paramref name="profileName"/>, for <c>copy</c>).</summary>
    public Session OpenSession(string? profileName = null, string? organization = null, string? environment = null, bool useOptions = true)
    {
        var name = profileName ?? ProfileName;
        var profile = LoadProfile(name);
        var url = useOptions
            ? ServerUrl(profile)
            : HttpClients.ParseUrl(profile.Url ?? throw CliException.Usage($"The profile '{name}' has no server: run 'stowage login --profile {name}' first."));
        var settings = new SessionSettings(
            name,
            profile,
            url,
            (useOptions ? Value(CaFileOption) : null) ?? profile.CaFile,
            organization ?? (useOptions ? Value(OrgOption) : null),
            environment ?? (useOptions ? Value(EnvOption) : null));
        return new Session(settings, saved => SaveProfileAsync(name, saved));
    }

    private static Option<string> CreateOutputOption()
    {
        var option = new Option<string>("--output")
        {
            Description = "text (tables on a terminal, tab-separated when piped), json or jsonl",
            Recursive = true,
            DefaultValueFactory = _ => "text",
        };
        option.AcceptOnlyFromAmong("text", "json", "jsonl");
        return option;
    }

    public static string? EnvironmentValue(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
