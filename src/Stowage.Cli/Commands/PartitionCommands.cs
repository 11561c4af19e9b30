using System.CommandLine;
using Stowage.Cli.Infrastructure;
using Stowage.Contracts;

namespace Stowage.Cli.Commands;

/// <summary><c>partition list/clear/delete</c>.</summary>
public static class PartitionCommands
{
    private static readonly Argument<string> Store = new("STORE") { Description = "The store id" };
    private static readonly Argument<string> Partition = new("PARTITION") { Description = "The partition name" };

    private static readonly IReadOnlyList<Column<string>> Columns = [new("PARTITION", static p => p)];

    public static Command Create()
    {
        var yes = Actions.YesOption();
        var list = new Command("list", "List a store's partitions") { Store }.Handle(ListAsync);
        var clear = new Command("clear", "Remove every key of a partition") { Store, Partition, yes }
            .Handle((context, ct) => ClearAsync(context, context.Value(yes), delete: false, ct));
        var delete = new Command("delete", "Delete a partition with its keys") { Store, Partition, yes }
            .Handle((context, ct) => ClearAsync(context, context.Value(yes), delete: true, ct));
        return new Command("partition", "Partitions of a store") { list, clear, delete };
    }

    private static async Task ListAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        var partitions = session.Client.ListPartitionsAsync(target.OrganizationId, target.EnvironmentId, context.Value(Store)!, pageSize: 1000, cancellationToken);
        await context.Output.WriteListAsync(partitions, StowageJsonContext.Default.String, Columns, cancellationToken);
    }

    private static async Task ClearAsync(CliContext context, bool yes, bool delete, CancellationToken cancellationToken)
    {
        var store = context.Value(Store)!;
        var partition = context.Value(Partition)!;
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        Actions.Confirm(context, yes, delete
            ? $"Delete partition '{partition}' of store '{store}' with its keys?"
            : $"Remove every key of partition '{partition}' in store '{store}'?");
        if (delete)
        {
            await session.Client.DeletePartitionAsync(target.OrganizationId, target.EnvironmentId, store, partition, cancellationToken);
            context.Output.Message($"Deleted partition {partition} of store {store}.");
        }
        else
        {
            await session.Client.ClearPartitionAsync(target.OrganizationId, target.EnvironmentId, store, partition, cancellationToken);
            context.Output.Message($"Cleared partition {partition} of store {store}.");
        }
    }
}
