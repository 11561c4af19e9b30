using System.Reflection;
using OpenIddict.Core;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// Stowage builds OpenIddict's handlers, dispatcher, transaction factory and managers once
/// (StatelessOpenIddictServices) because they keep no per-request state. The container refuses
/// a scoped dependency at start; this checks the rest: no field of theirs can be written after
/// construction, so nothing of one request can be left for the next.
/// </summary>
public sealed class StatelessOpenIddictServicesTests
{
    [Fact]
    public void OpenIddictServicesBuiltOnce_HaveOnlyReadOnlyFields()
    {
        var assemblies = new[] { typeof(OpenIddictServerDispatcher).Assembly, typeof(OpenIddictServerAspNetCoreHandler).Assembly, typeof(OpenIddictApplicationManager<>).Assembly };
        var services = assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && t != typeof(OpenIddictServerAspNetCoreHandler))
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IOpenIddictServerHandler<>))
                || t == typeof(OpenIddictServerDispatcher) || t == typeof(OpenIddictServerFactory)
                || t.Name.EndsWith("Manager`1", StringComparison.Ordinal))
            .ToList();
        Assert.True(services.Count > 150, $"only {services.Count} handler types found: the search is wrong");

        var writable = services
            .SelectMany(t => Hierarchy(t).SelectMany(h => h.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)))
            .Where(f => !f.IsInitOnly)
            .Select(f => f.DeclaringType + "." + f.Name)
            .Distinct()
            .ToList();
        Assert.True(writable.Count == 0, "These fields can change after construction; such a type cannot be built once for every request:\n" + string.Join("\n", writable));
    }

    private static IEnumerable<Type> Hierarchy(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            yield return t;
        }
    }
}
