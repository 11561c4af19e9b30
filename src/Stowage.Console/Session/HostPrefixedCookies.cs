using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Stowage.Console.Session;

/// <summary>
/// Over HTTPS every console cookie travels as <c>__Host-stowage_…</c>: the browser then keeps
/// it only when it is Secure, has path / and no Domain, so a sibling host or a plain-HTTP page
/// cannot plant or replace it. Over plain HTTP the prefix would make browsers drop the cookie,
/// so it stays <c>stowage_…</c>. Code (ours and the framework's antiforgery and temp-data
/// cookies) uses the plain names; this maps them at the edge, per request: a cookie policy
/// renames what is set, and a view of the request's cookies shows the prefixed ones under
/// the plain names and hides any unprefixed one, which over HTTPS can only be planted.
/// </summary>
public static class HostPrefixedCookies
{
    public const string Prefix = "__Host-";

    public static IApplicationBuilder UseHostPrefixedConsoleCookies(this IApplicationBuilder app) =>
        app.UseWhen(static context => context.Request.IsHttps, static https =>
        {
            https.Use(static (context, next) =>
            {
                context.Features.Set<IRequestCookiesFeature>(new RequestCookiesFeature(new PrefixedView(context.Request.Cookies)));
                return next(context);
            });
            https.UseCookiePolicy(new CookiePolicyOptions
            {
                OnAppendCookie = static cookie => cookie.CookieName = Prefixed(cookie.CookieName, cookie.CookieOptions),
                OnDeleteCookie = static cookie => cookie.CookieName = Prefixed(cookie.CookieName, cookie.CookieOptions),
            });
        });

    /// <summary>The console's cookies, chunks of a large one included (<c>stowage_flashC1</c>).</summary>
    public static bool IsConsoleCookie(string name) => name.StartsWith("stowage_", StringComparison.OrdinalIgnoreCase);

    private static string Prefixed(string name, CookieOptions options)
    {
        if (!IsConsoleCookie(name))
        {
            return name;
        }

        // What the prefix requires; a Set-Cookie without them (deletions too) would be dropped.
        options.Secure = true;
        options.Path = "/";
        options.Domain = null;
        return Prefix + name;
    }

    /// <summary>The request's cookies with <c>__Host-stowage_x</c> read as <c>stowage_x</c> and any plain <c>stowage_x</c> left out.</summary>
    private sealed class PrefixedView : IRequestCookieCollection
    {
        private readonly Dictionary<string, string> _cookies = new(StringComparer.OrdinalIgnoreCase);

        public PrefixedView(IRequestCookieCollection wire)
        {
            foreach (var (name, value) in wire)
            {
                if (name.StartsWith(Prefix, StringComparison.Ordinal) && IsConsoleCookie(name[Prefix.Length..]))
                {
                    _cookies.TryAdd(name[Prefix.Length..], value);
                }
                else if (!IsConsoleCookie(name))
                {
                    _cookies.TryAdd(name, value);
                }
            }
        }

        public int Count => _cookies.Count;

        public ICollection<string> Keys => _cookies.Keys;

        public string? this[string key] => _cookies.GetValueOrDefault(key);

        public bool ContainsKey(string key) => _cookies.ContainsKey(key);

        public bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _cookies.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _cookies.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
