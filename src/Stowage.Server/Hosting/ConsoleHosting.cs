using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Stowage.Console;
using Stowage.Console.Session;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Hosting;

/// <summary>
/// The web console in this host: its pages, the shared sign-in throttle, and the keys that
/// protect its antiforgery and notice cookies, kept with the other keys in
/// <c>data/keys/console/</c> (owner-only files) so they survive restarts.
/// </summary>
public static class ConsoleHosting
{
    public static IServiceCollection AddConsoleHosting(this IServiceCollection services, StowageOptions options)
    {
        services.AddStowageConsole();
        services.AddSingleton<ISignInThrottle, SignInThrottle>();
        services.AddDataProtection()
            .SetApplicationName("Stowage")
            .AddKeyManagementOptions(keys => keys.XmlRepository = new OwnerOnlyXmlRepository(Path.Combine(options.DataDirectory, "keys", "console")));
        return services;
    }

    /// <summary>The console's sign-in form counts against the same limits as <c>POST /accounts/login</c>.</summary>
    private sealed class SignInThrottle(Throttle throttle) : ISignInThrottle
    {
        public TimeSpan? Blocked(string username, string? address) =>
            throttle.Check(ThrottleKind.Login, username, address) is { IsBlocked: true } verdict ? verdict.State.ResetAfter : null;

        public void RecordFailure(string username, string? address) => throttle.RecordFailure(ThrottleKind.Login, username, address);
    }

    /// <summary>Data-protection key ring as XML files readable by the server's user only.</summary>
    private sealed class OwnerOnlyXmlRepository(string directory) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() =>
            Directory.Exists(directory)
                ? [.. Directory.EnumerateFiles(directory, "*.xml").Order(StringComparer.Ordinal).Select(f => XElement.Load(f))]
                : [];

        public void StoreElement(XElement element, string friendlyName)
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, DataDirectory.OwnerOnlyFolder);
            }

            var name = string.Concat(friendlyName.Where(char.IsAsciiLetterOrDigit));
            OwnerOnlyFile.Write(Path.Combine(directory, $"key-{name}.xml"), element.ToString(SaveOptions.DisableFormatting));
        }
    }
}
