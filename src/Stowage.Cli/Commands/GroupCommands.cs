using System.CommandLine;
using System.Runtime.CompilerServices;
using Spectre.Console;
using Stowage.Cli.Infrastructure;
using Stowage.Contracts;

namespace Stowage.Cli.Commands;

/// <summary><c>group list</c>: the organization's business groups, as a tree on a terminal.</summary>
public static class GroupCommands
{
    private static readonly IReadOnlyList<Column<GroupRow>> Columns =
    [
        new("ID", static g => g.Id),
        new("NAME", static g => g.Name),
        new("PARENT", static g => g.ParentId ?? "-"),
    ];

    public static Command Create() => new Command("group", "Business groups (organizations)")
    {
        new Command("list", "List the organization and its business groups").Handle(ListAsync),
    };

    private static async Task ListAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var organizationId = await session.OrganizationIdAsync(cancellationToken);
        var tree = await session.Client.GetHierarchyAsync(organizationId, cancellationToken);
        if (context.Output.IsText && context.Terminal.OutputIsTerminal)
        {
            var root = new Tree(Label(tree));
            AddChildren(root, tree);
            context.Terminal.Out.Write(root);
            return;
        }

        await context.Output.WriteListAsync(Rows(tree, null, 0, cancellationToken), CliJsonContext.Default.GroupRow, Columns, cancellationToken);
    }

    private static void AddChildren(IHasTreeNodes parent, HierarchyDto group)
    {
        foreach (var child in group.SubOrganizations)
        {
            AddChildren(parent.AddNode(Label(child)), child);
        }
    }

    private static string Label(HierarchyDto group) => $"[bold]{Markup.Escape(group.Name)}[/] [grey]{group.Id}[/]";

    private static async IAsyncEnumerable<GroupRow> Rows(HierarchyDto group, string? parentId, int depth, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        yield return new GroupRow(group.Id, group.Name, parentId, depth);
        foreach (var child in group.SubOrganizations)
        {
            await foreach (var row in Rows(child, group.Id, depth + 1, cancellationToken))
            {
                yield return row;
            }
        }
    }
}

/// <summary>A business group in a flat listing.</summary>
public sealed record GroupRow(string Id, string Name, string? ParentId, int Depth);
