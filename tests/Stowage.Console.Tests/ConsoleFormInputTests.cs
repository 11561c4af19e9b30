using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stowage.Console.Tests.Infrastructure;
using Stowage.Server.Tests.Infrastructure;

namespace Stowage.Console.Tests;

/// <summary>
/// Every console form and page, posted (or opened) with empty, garbage, oversized and hostile
/// fields by a signed-in administrator with a valid token: each answer is a 4xx page or a
/// success, never a 5xx. Plain HTTP: the browser adds nothing to what the server parses.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleFormInputTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    private static readonly string[] Hostile =
    [
        "", " ", "garbage", "-1", "0", "99999999999999999999", "1e309", "[{\"a\":", "a|b|c|d", "|||", "%00", "../..",
        "\u0000\u001f\u007f", "\ud800", "caf\u00e9 \u202e", new string('x', 5_000), new string('9', 300_000),
    ];

    /// <summary>Each POST handler of the console with the fields it reads; {store} etc. are filled in per server.</summary>
    private static readonly (string Page, string Handler, string Path, string[] Fields)[] Forms =
    [
        ("SignIn", "", "/signin", ["username", "password", "returnUrl"]),
        ("BusinessGroups", "Create", "/access/business-groups?handler=Create", ["name", "parentId"]),
        ("BusinessGroups", "Rename", "/access/business-groups?handler=Rename", ["id", "name"]),
        ("BusinessGroups", "Delete", "/access/business-groups?handler=Delete", ["id"]),
        ("Environments", "Create", "/access/environments?handler=Create", ["name", "type"]),
        ("Environments", "Rename", "/access/environments?handler=Rename", ["id", "name"]),
        ("Environments", "Delete", "/access/environments?handler=Delete", ["id"]),
        ("Users", "Create", "/access/users?handler=Create", ["username", "firstName", "lastName", "email", "passwordMode", "password", "adminOf"]),
        ("Users", "Delete", "/access/users?handler=Delete", ["id"]),
        ("New", "", "/access/connected-apps/new", ["Name", "Kind", "RedirectUris", "ClientUri", "Audience", "GrantTypes", "PublicKeys", "UserScopes", "Assignments"]),
        ("Authorizations", "Revoke", "/account/authorizations?handler=Revoke", ["userId", "clientId"]),
        ("Detail", "Secret", "/access/connected-apps/{app}?handler=Secret", []),
        ("Detail", "Scopes", "/access/connected-apps/{app}?handler=Scopes", ["assignments"]),
        ("Detail", "Enable", "/access/connected-apps/{app}?handler=Enable", []),
        ("Detail", "Disable", "/access/connected-apps/{app}?handler=Disable", []),
        ("Detail", "ResetSecret", "/access/connected-apps/{app}?handler=ResetSecret", []),
        ("Stores", "Create", "/object-store/stores?handler=Create", ["storeId", "ttl", "ttlUnit", "expiry", "confirmationTtl", "confirmationTtlUnit", "encrypted", "persistent", "environment"]),
        ("Store", "Settings", "/object-store/store?store=fuzzed&handler=Settings", ["ttl", "ttlUnit", "expiry", "confirmationTtl", "confirmationTtlUnit", "encrypted", "persistent", "environment"]),
        ("Store", "CreateKey", "/object-store/store?store=fuzzed&handler=CreateKey", ["partition", "key", "valueType", "value", "environment"]),
        ("Store", "DeletePartition", "/object-store/store?store=fuzzed&handler=DeletePartition", ["partition", "environment"]),
        ("Store", "RateLimit", "/object-store/store?store=fuzzed&handler=RateLimit", ["limit", "requestsPerSecond", "requestsPerMinute", "environment"]),
        ("Keys", "CreateKey", "/object-store/keys?store=fuzzed&partition=p&handler=CreateKey", ["partition", "key", "valueType", "value", "environment"]),
        ("Keys", "Delete", "/object-store/keys?store=fuzzed&partition=p&handler=Delete", ["key", "environment"]),
        ("Value", "Save", "/object-store/value?store=fuzzed&partition=p&key=k&handler=Save", ["valueType", "value", "lineBreaks", "version", "environment"]),
        ("Value", "Delete", "/object-store/value?store=fuzzed&partition=p&key=k&handler=Delete", ["version", "environment"]),
        ("Stores", "Delete", "/object-store/stores?handler=Delete", ["storeId", "environment"]),
        ("Detail", "Delete", "/access/connected-apps/{app}?handler=Delete", []),
    ];

    /// <summary>Each page with the query parameters it reads.</summary>
    private static readonly (string Path, string[] Parameters)[] Pages =
    [
        ("/signin", ["returnUrl"]),
        ("/", ["org", "env"]),
        ("/access/users", ["offset", "org", "env"]),
        ("/access/audit", ["from", "to", "action", "type", "actor", "offset"]),
        ("/access/connected-apps", ["q", "p"]),
        ("/access/connected-apps/{app}", []),
        ("/account/authorizations", ["userId"]),
        ("/object-store/stores", ["after"]),
        ("/object-store/store", ["store", "after"]),
        ("/object-store/keys", ["store", "partition", "beginsWith", "after"]),
        ("/object-store/value", ["store", "partition", "key"]),
        ("/object-store/value?handler=Download", ["store", "partition", "key"]),
        ("/object-store/usage", ["store", "period", "from", "to"]),
    ];

    [Fact]
    public void Forms_TableCoversEveryPostHandlerOfTheConsole()
    {
        var handlers = typeof(ConsolePageModel).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(PageModel)))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal))
                .Select(m => (Page: t.Name[..^"Model".Length], Handler: m.Name["OnPost".Length..].Replace("Async", string.Empty, StringComparison.Ordinal))))
            // Change password's hostile rows are in PasswordPageTests, as a user of its own: its
            // wrong passwords count against the sign-in throttle this table's administrator uses.
            .Where(h => h.Page is not ("SignOut" or "Password"))
            .Order()
            .ToList();

        Assert.Equal(handlers, Forms.Select(f => (f.Page, f.Handler)).Distinct().Order().ToList());
    }

    [Fact]
    public async Task EveryForm_HostileFields_NeverAnswers5xx()
    {
        var (app, environment) = await SeedAsync();
        using var session = await ConsoleHttpSession.SignInAsync(server.BaseUrl);
        var token = await session.FormTokenAsync("/access/users");
        var failures = new List<string>();

        foreach (var (_, _, path, fields) in Forms)
        {
            foreach (var value in Hostile)
            {
                var target = path.Replace("{app}", app, StringComparison.Ordinal);

                // Once with every field hostile, once with the environment the form names left right
                // (the check of it comes first and would hide the rest), once with each field twice.
                await ExpectNo5xxAsync(session, failures, target, fields.Select(f => (f, value)), token);
                await ExpectNo5xxAsync(session, failures, target, fields.Select(f => (f, f == "environment" ? environment : value)), token);
                await ExpectNo5xxAsync(session, failures, target, fields.SelectMany(f => new[] { (f, value), (f, "second") }), token);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryPage_HostileQuery_NeverAnswers5xx()
    {
        var (app, _) = await SeedAsync();
        using var session = await ConsoleHttpSession.SignInAsync(server.BaseUrl);
        var failures = new List<string>();

        foreach (var (path, parameters) in Pages)
        {
            foreach (var value in Hostile.Where(v => v.Length < 10_000))
            {
                var query = string.Join("&", parameters.Select(p => p + "=" + Uri.EscapeDataString(Safe(value))));
                var target = path.Replace("{app}", Uri.EscapeDataString(Safe(value) is { Length: > 0 } id ? id : app), StringComparison.Ordinal);
                var url = query.Length == 0 ? target : target + (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
                using var response = await session.Http.GetAsync(url);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"GET {url[..Math.Min(url.Length, 120)]}: {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>A lone surrogate cannot be percent-encoded as UTF-8; a browser sends U+FFFD for it.</summary>
    private static string Safe(string value) => value.Replace('\ud800', '\ufffd');

    private static async Task ExpectNo5xxAsync(ConsoleHttpSession session, List<string> failures, string path, IEnumerable<(string, string)> fields, string token)
    {
        using var response = await session.PostAsync(path, fields.Select(f => (f.Item1, Safe(f.Item2))), token);
        var type = response.Content.Headers.ContentType?.MediaType;
        var readable = type == "text/html" || (path.EndsWith("handler=Secret", StringComparison.Ordinal) && response.StatusCode == HttpStatusCode.OK);
        if ((int)response.StatusCode >= 500 || ((int)response.StatusCode >= 400 && !readable))
        {
            var first = fields.FirstOrDefault();
            failures.Add($"POST {path} ({first.Item1}={first.Item2?[..Math.Min(first.Item2.Length, 20)]}…): {(int)response.StatusCode} {type}");
        }
    }

    /// <summary>A connected app, and a store "fuzzed" with key p/k in the root's Sandbox (the console's default environment).</summary>
    private async Task<(string App, string Environment)> SeedAsync()
    {
        var root = await server.Factory.RootAsync();
        using var admin = server.Admin();
        var app = await ConnectedAppApi.CreateAppAsync(admin, "Fuzzed " + Guid.NewGuid().ToString("N")[..8], root.OrgId, root.SandboxId);
        await admin.PutStoreAsync(root.OrgId, root.SandboxId, "fuzzed");
        await admin.PutStringAsync(root.OrgId, root.SandboxId, "fuzzed", "p", "k", "value");
        return (app.ClientId, root.SandboxId);
    }
}
