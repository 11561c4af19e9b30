using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Stowage.Console;
using Stowage.Console.Session;
using Stowage.Server.Hosting.Keys;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Hosting;

/// <summary>
/// The web console in this host: its pages, the shared sign-in throttle, and the keys that
/// protect its antiforgery and notice cookies, kept with the other key material (under
/// <c>console/</c>) so they survive restarts and are the same on every node.
/// </summary>
public static class ConsoleHosting
{
    public static IServiceCollection AddConsoleHosting(this IServiceCollection services)
    {
        services.AddStowageConsole();
        services.AddSingleton<ISignInThrottle, SignInThrottle>();
        services.AddDataProtection().SetApplicationName("Stowage");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IKeyMaterial>((keys, material) => keys.XmlRepository = new KeyMaterialXmlRepository(material));
        return services;
    }

    /// <summary>The console's sign-in form counts against the same limits as <c>POST /accounts/login</c>.</summary>
    private sealed class SignInThrottle(Throttle throttle) : ISignInThrottle
    {
        public TimeSpan? Blocked(string username, string? address) =>
            throttle.Check(ThrottleKind.Login, username, address) is { IsBlocked: true } verdict ? verdict.State.ResetAfter : null;

        public void RecordFailure(string username, string? address) => throttle.RecordFailure(ThrottleKind.Login, username, address);
    }

    /// <summary>
    /// The data-protection key ring in the key material (owner-only files, or the database
    /// wrapped with the master key), so every node protects and reads the same cookies.
    /// </summary>
    private sealed class KeyMaterialXmlRepository(IKeyMaterial keys) : IXmlRepository
    {
        private const string Folder = KeyMaterialNames.ConsoleFolder;

        public IReadOnlyCollection<XElement> GetAllElements() =>
            [.. keys.ReadAll(Folder).Select(xml => XElement.Parse(Encoding.UTF8.GetString(xml)))];

        public void StoreElement(XElement element, string friendlyName)
        {
            var name = string.Concat(friendlyName.Where(char.IsAsciiLetterOrDigit));
            keys.Write($"{Folder}/key-{name}.xml", Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting)));
        }
    }
}
