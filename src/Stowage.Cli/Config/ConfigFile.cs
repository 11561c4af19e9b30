using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stowage.Cli.Config;

/// <summary>What one profile remembers. Never a password; a client secret only when asked to.</summary>
public sealed class Profile
{
    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("caFile")]
    public string? CaFile { get; set; }

    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("clientId")]
    public string? ClientId { get; set; }

    /// <summary>Kept only after <c>login --save-secret</c>, so the CLI can renew the token itself.</summary>
    [JsonPropertyName("clientSecret")]
    public string? ClientSecret { get; set; }

    [JsonPropertyName("accessToken")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("tokenExpiresAt")]
    public DateTimeOffset? TokenExpiresAt { get; set; }

    [JsonPropertyName("organizationId")]
    public string? OrganizationId { get; set; }

    [JsonPropertyName("organizationName")]
    public string? OrganizationName { get; set; }

    [JsonPropertyName("environmentId")]
    public string? EnvironmentId { get; set; }

    [JsonPropertyName("environmentName")]
    public string? EnvironmentName { get; set; }

    /// <summary>Forgets the session but keeps where it was and the chosen organization and environment.</summary>
    public void ForgetSession()
    {
        AccessToken = null;
        TokenExpiresAt = null;
        ClientSecret = null;
    }
}

/// <summary>The config file's contents: profiles by name.</summary>
public sealed class ConfigDocument
{
    [JsonPropertyName("profiles")]
    public Dictionary<string, Profile> Profiles { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// <c>config.json</c> in the user's config directory (<c>STOWAGE_CONFIG_DIR</c>, else
/// <c>$XDG_CONFIG_HOME/stowage</c>, else <c>~/.config/stowage</c>). The directory is 0700 and
/// the file 0600, written whole to a temporary file of that mode and renamed over the old one,
/// so neither a crash nor another user ever sees a token.
/// </summary>
public sealed class ConfigFile
{
    public const string FileName = "config.json";

    public ConfigFile(string directory)
    {
        Directory = directory;
        Path = System.IO.Path.Combine(directory, FileName);
    }

    public string Directory { get; }

    public string Path { get; }

    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("STOWAGE_CONFIG_DIR") is { Length: > 0 } overridden)
        {
            return overridden;
        }

        if (Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg)
        {
            return System.IO.Path.Combine(xdg, "stowage");
        }

        var appData = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
        return System.IO.Path.Combine(
            string.IsNullOrEmpty(appData) ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config") : appData,
            "stowage");
    }

    public ConfigDocument Load()
    {
        if (!File.Exists(Path))
        {
            return new ConfigDocument();
        }

        try
        {
            using var stream = File.OpenRead(Path);
            return JsonSerializer.Deserialize(stream, CliJsonContext.Default.ConfigDocument) ?? new ConfigDocument();
        }
        catch (JsonException e)
        {
            throw new Infrastructure.CliException(Infrastructure.ExitCodes.Failed, $"The config file {Path} is not valid JSON ({e.Message}); fix or delete it.");
        }
    }

    public void Save(ConfigDocument document)
    {
        EnsureDirectory(Directory);
        var temporary = Path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, document, CliJsonContext.Default.ConfigDocument);
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode is filtered by the umask; a stricter mask is fine, a looser file never is.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Creates <paramref name="directory"/> (mode 0700) when missing.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (System.IO.Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
