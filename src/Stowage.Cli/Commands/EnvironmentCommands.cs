using System.CommandLine;
using Stowage.Cli.Connection;
using Stowage.Cli.Infrastructure;
using Stowage.Contracts;

namespace Stowage.Cli.Commands;

/// <summary><c>env list/create/delete</c> and <c>group list</c>.</summary>
public static class EnvironmentCommands
{
    private static readonly Argument<string> Name = new("NAME") { Description = "The environment's name (or id, to delete)" };
    private static readonly Option<string> Type = new("--type")
    {
        Description = "sandbox, production or design",
        DefaultValueFactory = _ => EnvironmentTypes.Sandbox,
    };

    private static readonly IReadOnlyList<Column<EnvironmentDto>> Columns =
    [
        new("NAME", static e => e.Name),
        new("ID", static e => e.Id),
        new("TYPE", static e => e.Type),
        new("PRODUCTION", static e => e.IsProduction ? "yes" : "no"),
    ];

    public static Command Create()
    {
        Type.AcceptOnlyFromAmong(EnvironmentTypes.Sandbox, EnvironmentTypes.Production, EnvironmentTypes.Design);
        var yes = Actions.YesOption();
        return new Command("env", "Environments of the organization")
        {
            new Command("list", "List environments").Handle(ListAsync),
            new Command("create", "Create an environment") { Name, Type }.Handle(CreateAsync),
            new Command("delete", "Delete an environment with its stores and scope grants") { Name, yes }.Handle((c, ct) => DeleteAsync(c, c.Value(yes), ct)),
        };
    }

    private static async Task ListAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var organizationId = await session.OrganizationIdAsync(cancellationToken);
        var environments = await session.Client.ListEnvironmentsAsync(organizationId, cancellationToken: cancellationToken);
        await context.Output.WriteListAsync(environments.Data.ToAsyncEnumerable(), StowageJsonContext.Default.EnvironmentDto, Columns, cancellationToken);
    }

    private static async Task CreateAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var organizationId = await session.OrganizationIdAsync(cancellationToken);
        var created = await session.Client.CreateEnvironmentAsync(
            organizationId, new CreateEnvironmentRequest { Name = context.Value(Name)!, Type = context.Value(Type)! }, cancellationToken);
        context.Output.Message($"Created environment {created.Name} ({created.Id}).");
        if (!context.Output.IsText)
        {
            context.Output.WriteObject(created, StowageJsonContext.Default.EnvironmentDto, []);
        }
    }

    private static async Task DeleteAsync(CliContext context, bool yes, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var organizationId = await session.OrganizationIdAsync(cancellationToken);
        var environment = await Resolver.EnvironmentAsync(session.Client, organizationId, context.Value(Name)!, cancellationToken);
        Actions.Confirm(context, yes, $"Delete environment '{environment.Name}' with all its stores?");
        await session.Client.DeleteEnvironmentAsync(organizationId, environment.Id, cancellationToken);
        context.Output.Message($"Deleted environment {environment.Name}.");
    }
}
