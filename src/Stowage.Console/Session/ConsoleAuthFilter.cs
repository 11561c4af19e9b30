using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Stowage.Console.Session;

/// <summary>
/// Every console page except sign-in and sign-out requires a live user session (the
/// authorize filter has already sent anyone without one to <c>/signin</c>) of a user who
/// administers at least one business group.
/// </summary>
public sealed class ConsoleAuthFilter : IAsyncPageFilter
{
    /// <summary>Where <see cref="ConsoleAuthenticationHandler"/> leaves the request's <see cref="ConsoleSession"/>.</summary>
    internal const string SessionItem = "stowage.console.session";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
        {
            await next();
            return;
        }

        if (context.HttpContext.Items[SessionItem] is not ConsoleSession session)
        {
            context.Result = new ChallengeResult(ConsoleAuthenticationHandler.SchemeName);
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

        await next();
    }
}
