using System.Globalization;
using System.Text;

namespace Stowage.Server.Hosting;

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

public enum DurabilityMode
{
    // Every acknowledged write is flushed to stable storage: survives power loss.
    Fsync,

    // Writes reach the OS before they are acknowledged: survives a process crash only.
    Process,
}

/// <summary>The validated "Stowage" configuration section; read it with <see cref="Load"/>.</summary>
public sealed class StowageOptions
{
    public const string SectionName = "Stowage";

    /// <summary>Absolute once produced by <see cref="Load"/>.</summary>
    public string DataDirectory { get; init; } = "./data";

    public StowageStorageOptions Storage { get; init; } = new();

    public StowageAdminOptions Admin { get; init; } = new();

    public StowageRootOrganizationOptions RootOrganization { get; init; } = new();

    public StowageRegionOptions Region { get; init; } = new();

    /// <summary>Null means: derive issuer and region URL from each request.</summary>
    public Uri? PublicBaseUrl { get; init; }

    public StowageHttpsOptions Https { get; init; } = new();

    public DurabilityMode Durability { get; init; } = DurabilityMode.Fsync;

    public StowageTokenOptions Tokens { get; init; } = new();

    public StowagePasswordOptions Passwords { get; init; } = new();

    public StowageThrottleOptions Throttle { get; init; } = new();

    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed
    /// (Stowage:TrustedProxies); empty means the TCP peer is the client and the headers are ignored.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    public StowageAuditOptions Audit { get; init; } = new();

    public StowageMetricsOptions Metrics { get; init; } = new();

    public StowageMemoryOptions Memory { get; init; } = new();

    /// <summary>
    /// With the postgres provider: the file of 32 random bytes every node reads, which wraps the
    /// key material the nodes share through the database (Stowage:MasterKeyFile). Absolute.
    /// </summary>
    public string? MasterKeyFile { get; init; }

    /// <summary>The rate limit of stores without one of their own (Stowage:RateLimits:Default; docs/rate-limits.md).</summary>
    public StowageRateLimitOptions RateLimits { get; init; } = new();

    /// <summary>How often metered usage is written to storage (Stowage:Metering:FlushIntervalSeconds).</summary>
    public int MeteringFlushIntervalSeconds { get; init; } = 2;

    public string TlsDirectory => Path.Combine(DataDirectory, "tls");

    public string AdminPasswordPath => Path.Combine(DataDirectory, AdminPasswordFile.FileName);

    /// <summary>
    /// Reads and validates the section; a relative DataDirectory is resolved against
    /// <paramref name="currentDirectory"/>.
    /// </summary>
    /// <exception cref="StartupConfigurationException">The first bad setting, as one line.</exception>
    public static StowageOptions Load(IConfiguration configuration, string currentDirectory) =>
        StowageOptionsReader.Read(configuration, currentDirectory);
}

public sealed class StowageStorageOptions
{
    public StorageProvider Provider { get; init; } = StorageProvider.Sqlite;

    // A secret: never print or log it.
    public string? ConnectionString { get; init; }
}

public sealed class StowageAdminOptions
{
    public string Username { get; init; } = "admin";

    // Used only to bootstrap an empty database; null means generate one.
    public string? Password { get; init; }
}

public sealed class StowageRootOrganizationOptions
{
    public string Name { get; init; } = "Stowage";
}

public sealed class StowageRegionOptions
{
    public string Id { get; init; } = "local";

    public string Name { get; init; } = "Local";
}

public sealed class StowageHttpsOptions
{
    // Only the default https://127.0.0.1:8443 listener; a user's https --urls still works.
    public bool Enabled { get; init; } = true;
}

public sealed class StowageTokenOptions
{
    public const int MinLifetimeSeconds = 60;
    public const int MaxLifetimeSeconds = 86400;

    public int LifetimeSeconds { get; init; } = 3600;

    public TimeSpan Lifetime => TimeSpan.FromSeconds(LifetimeSeconds);
}

/// <summary>The cost of password hashes (see <see cref="Stowage.Access.PasswordHasher"/>).</summary>
public sealed class StowagePasswordOptions
{
    /// <summary>PBKDF2 iterations of new password hashes; below <see cref="Stowage.Access.PasswordHasher.RecommendedIterations"/> the server warns at startup.</summary>
    public int Iterations { get; init; } = Stowage.Access.PasswordHasher.RecommendedIterations;
}

/// <summary>Failed-authentication limits (see Infrastructure/ThrottleOptions for their meaning).</summary>
public sealed class StowageThrottleOptions
{
    public int WindowSeconds { get; init; } = 60;

    public int ClientIdLimit { get; init; } = 20;

    public int UsernameLimit { get; init; } = 20;

    public int AddressLimit { get; init; } = 100;
}

public sealed class StowageAuditOptions
{
    public const int MaxRetentionDays = 36500;

    /// <summary>Entries older than this many days are deleted (Stowage:Audit:RetentionDays).</summary>
    public int RetentionDays { get; init; } = 365;
}

/// <summary>The Prometheus scrape endpoint (docs/operations.md, "Metrics").</summary>
public sealed class StowageMetricsOptions
{
    /// <summary>Stowage:Metrics:Enabled: whether /metrics exists at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Stowage:Metrics:Urls: listeners of their own for /metrics (which then answers there
    /// only, to anyone reaching them); empty serves it on the main listeners to loopback callers.
    /// </summary>
    public IReadOnlyList<string> Urls { get; init; } = [];

    /// <summary>Stowage:Metrics:PerStore: a store-name label on data-plane operations.</summary>
    public bool PerStore { get; init; }
}

/// <summary>The process's native memory (docs/configuration.md, "Memory").</summary>
public sealed class StowageMemoryOptions
{
    public const int MaxTrimIntervalSeconds = 3600;

    /// <summary>
    /// Stowage:Memory:TrimIntervalSeconds: how often the C library's free heap memory is given
    /// back to the operating system; 0 never (<see cref="NativeHeapTrimmer"/>).
    /// </summary>
    public int TrimIntervalSeconds { get; init; } = 5;
}

/// <summary>A bad setting found at start; the message is the one line to show the operator.</summary>
public sealed class StartupConfigurationException : Exception
{
    public StartupConfigurationException(string key, string problem, Exception? innerException = null)
        : base($"{key}: {problem}", innerException)
    {
        Key = key;
        Problem = problem;
    }

    public string Key { get; }

    public string Problem { get; }
}

// Reads strings itself instead of using the configuration binder, whose conversion errors
// name CLR types rather than the setting; every failure here is "<key>: <problem>".
internal static partial class StowageOptionsReader
{
    private const string Prefix = StowageOptions.SectionName + ":";
    private const int MaxShownValueLength = 80;

    // New settings must be added here too, or their keys are rejected as unknown.
    private static readonly string[] KnownValues =
    [
        "DataDirectory", "Storage:Provider", "Storage:ConnectionString", "Admin:Username",
        "Admin:Password", "RootOrganization:Name", "Region:Id", "Region:Name", "PublicBaseUrl",
        "Https:Enabled", "Durability", "Tokens:LifetimeSeconds", "Passwords:Iterations", "Throttle:WindowSeconds",
        "Throttle:ClientIdLimit", "Throttle:UsernameLimit", "Throttle:AddressLimit", "Metering:FlushIntervalSeconds",
        "TrustedProxies",
        "Audit:RetentionDays", "MasterKeyFile",
        "Metrics:Enabled", "Metrics:Urls", "Metrics:PerStore", "Memory:TrimIntervalSeconds",
        RateLimitDefaultKey, RateLimitDefaultKey + ":RequestsPerSecond", RateLimitDefaultKey + ":RequestsPerMinute",
    ];

    private static readonly HashSet<string> Values = new(KnownValues, StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> Groups = new(StringComparer.OrdinalIgnoreCase)
    {
        "Storage", "Admin", "RootOrganization", "Region", "Https", "Tokens", "Passwords", "Throttle", "Metering", "Audit", "Metrics", "Memory", "RateLimits",
    };

    public static StowageOptions Read(IConfiguration configuration, string currentDirectory)
    {
        // A misspelt key would otherwise be ignored silently and its default used.
        RejectUnknownKeys(configuration.GetSection(StowageOptions.SectionName), string.Empty);

        var provider = Choice(configuration, "Storage:Provider", StorageProvider.Sqlite);
        var connectionString = Optional(configuration, "Storage:ConnectionString");
        if (provider == StorageProvider.Postgres && connectionString is null)
        {
            throw Fail("Storage:ConnectionString", $"is required when {Prefix}Storage:Provider is postgres");
        }

        var masterKeyFile = Optional(configuration, "MasterKeyFile");
        if (masterKeyFile is not null && masterKeyFile.Contains('\0', StringComparison.Ordinal))
        {
            throw Fail("MasterKeyFile", "is not a valid path");
        }

        return new StowageOptions
        {
            DataDirectory = DataDirectory(configuration, currentDirectory),
            Storage = new StowageStorageOptions { Provider = provider, ConnectionString = connectionString },
            MasterKeyFile = masterKeyFile is null ? null : Path.GetFullPath(masterKeyFile, currentDirectory),
            Admin = new StowageAdminOptions
            {
                Username = Name(configuration, "Admin:Username", "admin"),
                Password = Password(configuration),
            },
            RootOrganization = new StowageRootOrganizationOptions { Name = Name(configuration, "RootOrganization:Name", "Stowage") },
            Region = new StowageRegionOptions
            {
                Id = RegionId(configuration),
                Name = Name(configuration, "Region:Name", "Local"),
            },
            PublicBaseUrl = PublicBaseUrl(configuration),
            Https = new StowageHttpsOptions { Enabled = Boolean(configuration, "Https:Enabled", defaultValue: true) },
            Durability = Choice(configuration, "Durability", DurabilityMode.Fsync),
            Tokens = new StowageTokenOptions
            {
                LifetimeSeconds = Integer(
                    configuration, "Tokens:LifetimeSeconds", 3600,
                    StowageTokenOptions.MinLifetimeSeconds, StowageTokenOptions.MaxLifetimeSeconds),
            },
            Passwords = new StowagePasswordOptions
            {
                Iterations = Integer(
                    configuration, "Passwords:Iterations", Stowage.Access.PasswordHasher.RecommendedIterations,
                    Stowage.Access.PasswordHasher.MinIterations, Stowage.Access.PasswordHasher.MaxIterations),
            },
            Throttle = new StowageThrottleOptions
            {
                WindowSeconds = Integer(configuration, "Throttle:WindowSeconds", 60, 1, 86400),
                ClientIdLimit = Integer(configuration, "Throttle:ClientIdLimit", 20, 1, 1_000_000),
                UsernameLimit = Integer(configuration, "Throttle:UsernameLimit", 20, 1, 1_000_000),
                AddressLimit = Integer(configuration, "Throttle:AddressLimit", 100, 1, 1_000_000),
            },
            MeteringFlushIntervalSeconds = Integer(configuration, "Metering:FlushIntervalSeconds", 2, 1, 5),
            RateLimits = new StowageRateLimitOptions { Default = RateLimitDefault(configuration) },
            TrustedProxies = TrustedProxies(configuration),
            Audit = new StowageAuditOptions
            {
                RetentionDays = Integer(configuration, "Audit:RetentionDays", 365, 1, StowageAuditOptions.MaxRetentionDays),
            },
            Metrics = new StowageMetricsOptions
            {
                Enabled = Boolean(configuration, "Metrics:Enabled", defaultValue: true),
                Urls = MetricsUrls(configuration),
                PerStore = Boolean(configuration, "Metrics:PerStore", defaultValue: false),
            },
            Memory = new StowageMemoryOptions
            {
                TrimIntervalSeconds = Integer(configuration, "Memory:TrimIntervalSeconds", 5, 0, StowageMemoryOptions.MaxTrimIntervalSeconds),
            },
        };
    }

    private static void RejectUnknownKeys(IConfigurationSection section, string relativePath)
    {
        foreach (var child in section.GetChildren())
        {
            var relative = relativePath.Length == 0 ? child.Key : $"{relativePath}:{child.Key}";
            if (Values.Contains(relative))
            {
                if (child.GetChildren().Any() && relative.Equals(RateLimitDefaultKey, StringComparison.OrdinalIgnoreCase))
                {
                    // A preset name, or a group of the two custom numbers.
                    RejectUnknownKeys(child, relative);
                }
                else if (child.GetChildren().Any() && !relative.Equals("TrustedProxies", StringComparison.OrdinalIgnoreCase))
                {
                    throw new StartupConfigurationException(child.Path, "is a single value, not a group of settings");
                }
            }
            else if (Groups.Contains(relative))
            {
                if (!string.IsNullOrEmpty(child.Value))
                {
                    var example = KnownValues.First(v => v.StartsWith(relative + ":", StringComparison.OrdinalIgnoreCase));
                    throw new StartupConfigurationException(child.Path, $"is a group of settings, not a value (e.g. {Prefix}{example})");
                }

                RejectUnknownKeys(child, relative);
            }
            else
            {
                throw new StartupConfigurationException(child.Path, "is not a known setting (see docs/configuration.md)");
            }
        }
    }

    private static string DataDirectory(IConfiguration configuration, string currentDirectory)
    {
        var value = Required(configuration, "DataDirectory", "./data");
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw Fail("DataDirectory", $"{Show(value)} is not a valid path");
        }

        try
        {
            return Path.GetFullPath(value, currentDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Fail("DataDirectory", $"{Show(value)} is not a valid path");
        }
    }

    private static string Name(IConfiguration configuration, string key, string defaultValue)
    {
        var value = Required(configuration, key, defaultValue);
        if (value.Trim().Length != value.Length)
        {
            throw Fail(key, $"{Show(value)} must not start or end with whitespace");
        }

        if (value.Any(char.IsControl))
        {
            throw Fail(key, $"{Show(value)} must not contain control characters");
        }

        return value;
    }

    private static string RegionId(IConfiguration configuration)
    {
        var value = Required(configuration, "Region:Id", "local");
        if (value.Length > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw Fail("Region:Id", $"{Show(value)} must be at most 64 letters, digits, '-', '_' or '.'");
        }

        return value;
    }

    private static string? Password(IConfiguration configuration)
    {
        // The value is a secret, so no message here ever repeats it.
        var value = Optional(configuration, "Admin:Password");
        return value is null || value.Length >= 8
            ? value
            : throw Fail("Admin:Password", "must be at least 8 characters (leave it unset to have one generated)");
    }

    private static Uri? PublicBaseUrl(IConfiguration configuration)
    {
        var value = Optional(configuration, "PublicBaseUrl");
        if (value is null)
        {
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Fail("PublicBaseUrl", $"{Show(value)} is not an absolute http or https URL");
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw Fail("PublicBaseUrl", $"{Show(value)} must not have a query, fragment or user info");
        }

        return uri;
    }

    // "10.0.0.5, 10.1.0.0/16" as one value, or a JSON array in appsettings.json; each entry an
    // address or a CIDR network.
    private static IReadOnlyList<System.Net.IPNetwork> TrustedProxies(IConfiguration configuration)
    {
        const string key = "TrustedProxies";
        var section = configuration.GetSection(Prefix + key);
        var entries = section.GetChildren().Any()
            ? section.GetChildren().Select(c => c.Value ?? string.Empty)
            : (section.Value ?? string.Empty).Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries);
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in entries.Select(e => e.Trim()))
        {
            if (System.Net.IPAddress.TryParse(entry, out var address) && !entry.Contains('/', StringComparison.Ordinal))
            {
                networks.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                throw Fail(key, $"{Show(entry)} is not an IP address or a network in CIDR notation (e.g. 10.0.0.0/8)");
            }
        }

        return networks;
    }

    // "http://127.0.0.1:9464" or several separated by ';' as Kestrel takes them; each must name
    // its port, since that port is how /metrics tells its own listener from the others.
    private static IReadOnlyList<string> MetricsUrls(IConfiguration configuration)
    {
        const string key = "Metrics:Urls";
        var value = Optional(configuration, key);
        if (value is null)
        {
            return [];
        }

        var urls = value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls)
        {
            // Kestrel's wildcard hosts are not valid URI hosts: check the rest with a stand-in.
            var checkable = url.Replace("://*:", "://localhost:", StringComparison.Ordinal).Replace("://+:", "://localhost:", StringComparison.Ordinal);
            if (!Uri.TryCreate(checkable, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            {
                throw Fail(key, $"{Show(url)} is not an http or https URL of a listener (e.g. http://127.0.0.1:9464)");
            }

            if (uri.Port == 0 || !checkable.Contains($":{uri.Port}", StringComparison.Ordinal))
            {
                throw Fail(key, $"{Show(url)} must name a port other than 0 (e.g. http://127.0.0.1:9464)");
            }
        }

        return urls;
    }

    private static bool Boolean(IConfiguration configuration, string key, bool defaultValue)
    {
        var value = configuration[Prefix + key];
        if (value is null)
        {
            return defaultValue;
        }

        return bool.TryParse(value.Trim(), out var result)
            ? result
            : throw Fail(key, $"{Show(value)} is not one of true, false");
    }

    private static int Integer(IConfiguration configuration, string key, int defaultValue, int min, int max)
    {
        var value = configuration[Prefix + key];
        if (value is null)
        {
            return defaultValue;
        }

        var text = value.Trim();
        var digits = text.TrimStart('+', '-');
        if (digits.Length == 0 || text.Length - digits.Length > 1 || !digits.All(char.IsAsciiDigit))
        {
            throw Fail(key, $"{Show(value)} is not a whole number");
        }

        // Digits that overflow a long are still a number, just a far too large one.
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            && result >= min && result <= max
            ? (int)result
            : throw Fail(key, string.Create(CultureInfo.InvariantCulture, $"{text} is outside the allowed range {min}..{max}"));
    }

    private static T Choice<T>(IConfiguration configuration, string key, T defaultValue)
        where T : struct, Enum
    {
        var value = configuration[Prefix + key];
        if (value is null)
        {
            return defaultValue;
        }

        // Only the documented names: Enum.TryParse would also accept "0" or "Fsync,Process".
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(value.Trim(), candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        var allowed = string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
        throw Fail(key, $"{Show(value)} is not one of {allowed}");
    }

    private static string Required(IConfiguration configuration, string key, string defaultValue)
    {
        var value = configuration[Prefix + key];
        return value switch
        {
            null => defaultValue,
            _ when string.IsNullOrWhiteSpace(value) => throw Fail(key, $"must not be empty (remove it to use the default '{defaultValue}')"),
            _ => value,
        };
    }

    // Empty counts as unset: "Password": "" in appsettings.json or an empty environment
    // variable is how people blank out an optional value.
    private static string? Optional(IConfiguration configuration, string key)
    {
        var value = configuration[Prefix + key];
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private static StartupConfigurationException Fail(string key, string problem) => new(Prefix + key, problem);

    // Keeps the error on one readable line whatever the value contains.
    private static string Show(string value)
    {
        var shown = value.Length > MaxShownValueLength ? value[..MaxShownValueLength] + "…" : value;
        var escaped = new StringBuilder(shown.Length + 2).Append('\'');
        foreach (var c in shown)
        {
            _ = char.IsControl(c)
                ? escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}")
                : escaped.Append(c);
        }

        return escaped.Append('\'').ToString();
    }
}
