using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Stowage.Access;
using Stowage.Access.Directory;

namespace Stowage.Console.Session;

/// <summary>
/// The console session behind a request's cookie: the same user token the API issues, so
/// sign-out, user deletion and expiry end it the same way; and where the user is (the groups
/// they administer, the chosen group and environment).
/// </summary>
public sealed class ConsoleSessionResolver(SessionService sessions, OrganizationDirectory directory, IUserRepository users)
{
    /// <summary>The session behind the request's cookie, or null when it is missing, expired, revoked or not a user's.</summary>
    public async Task<ConsoleSession?> ResolveAsync(HttpContext http)
    {
        var token = http.Request.Cookies[ConsoleCookies.Session];
        if (string.IsNullOrEmpty(token) || token.Length > 256 || token.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        var caller = await sessions.AuthenticateAsync(token, http.RequestAborted);
        if (caller is not { Kind: CallerKind.User } || await users.GetAsync(caller.SubjectId, http.RequestAborted) is not { } user)
        {
            return null;
        }

        var tree = await directory.GetAsync(http.RequestAborted);
        var groups = AdministeredGroups(caller, tree);
        if (groups.Count == 0)
        {
            return new ConsoleSession(caller, user, Binding(token), tree, groups, tree.Root!, null);
        }

        var (organization, environment) = Selection(http, tree, groups);
        return new ConsoleSession(caller, user, Binding(token), tree, groups, organization, environment);
    }

    /// <summary>
    /// What the session's form tokens are bound to: derived from the token's stored hash, so it
    /// names exactly this session, yet is neither the token nor the key it is stored under.
    /// </summary>
    private static string Binding(string token) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("stowage console form binding\n" + SessionService.HashToken(token))));

    /// <summary>The groups the caller administers, depth-first from the root, with their depth below the first administered ancestor.</summary>
    private static List<GroupNode> AdministeredGroups(Caller caller, OrganizationDirectory.Snapshot tree)
    {
        var result = new List<GroupNode>();
        if (tree.Root is { } root)
        {
            Walk(root, -1);
        }

        return result;

        void Walk(Organization org, int depth)
        {
            var administered = caller.IsAdministratorOf(tree, org.Id);
            var next = administered ? depth + 1 : depth;
            if (administered)
            {
                result.Add(new GroupNode(org, next));
            }

            foreach (var child in tree.Children(org.Id).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
            {
                Walk(child, next);
            }
        }
    }

    /// <summary>
    /// The chosen group and environment: from the query (<c>?org=…&amp;env=…</c>, remembered in
    /// a cookie), else the remembered choice, else the first group and its Sandbox.
    /// </summary>
    private static (Organization, EnvironmentRecord?) Selection(HttpContext http, OrganizationDirectory.Snapshot tree, List<GroupNode> groups)
    {
        var remembered = http.Request.Cookies[ConsoleCookies.Selection]?.Split(':', 2);
        var queryOrg = http.Request.Query["org"].FirstOrDefault();
        var queryEnv = http.Request.Query["env"].FirstOrDefault();
        var orgId = queryOrg ?? remembered?[0];
        var organization = groups.FirstOrDefault(g => g.Organization.Id == orgId)?.Organization ?? groups[0].Organization;

        var environments = tree.EnvironmentsOf(organization.Id).ToList();
        var envId = queryEnv ?? (remembered is [_, var e] ? e : null);
        var environment = environments.FirstOrDefault(e => e.Id == envId)
            ?? environments.FirstOrDefault(e => e.Type == EnvironmentTypes.Sandbox)
            ?? environments.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault();

        if (queryOrg is not null || queryEnv is not null)
        {
            http.Response.Cookies.Append(ConsoleCookies.Selection, $"{organization.Id}:{environment?.Id}", ConsoleCookies.Options(http));
        }

        return (organization, environment);
    }
}
