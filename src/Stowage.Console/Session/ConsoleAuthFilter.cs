using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Stowage.Access;
using Stowage.Access.Directory;

namespace Stowage.Console.Session;

/// <summary>
/// Every console page except sign-in requires a live user session: without one the browser
/// goes to <c>/signin</c> and comes back afterwards. The session is the same user token the
/// API issues, so sign-out, user deletion and expiry end it the same way.
/// </summary>
public sealed class ConsoleAuthFilter(SessionService sessions, OrganizationDirectory directory, IUserRepository users) : IAsyncPageFilter
{
    internal const string SessionItem = "stowage.console.session";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (context.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
        {
            await next();
            return;
        }

        var session = await ResolveAsync(http);
        if (session is null)
        {
            http.Response.Cookies.Delete(ConsoleCookies.Session, ConsoleCookies.Options(http));
            context.Result = new RedirectResult(SignInPath(http));
            return;
        }

        if (session.Groups.Count == 0)
        {
            context.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status403Forbidden,
                ContentType = "text/html; charset=utf-8",
                Content = ConsoleErrorPage.Render("No business group", "Your user does not administer any business group. Ask an administrator to make you an administrator of one."),
            };
            return;
        }

        http.Items[SessionItem] = session;
        await next();
    }

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
            return new ConsoleSession(caller, user, tree, groups, tree.Root!, null);
        }

        var (organization, environment) = Selection(http, tree, groups);
        return new ConsoleSession(caller, user, tree, groups, organization, environment);
    }

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

    private static string SignInPath(HttpContext http)
    {
        var back = http.Request.Path + http.Request.QueryString;
        return HttpMethods.IsGet(http.Request.Method) && back != "/"
            ? "/signin?returnUrl=" + Uri.EscapeDataString(back)
            : "/signin";
    }
}
