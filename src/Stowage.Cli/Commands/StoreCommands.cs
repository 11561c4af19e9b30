using System.CommandLine;
using Stowage.Cli.Infrastructure;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Cli.Commands;

/// <summary><c>store list/show/create/update/delete</c>.</summary>
public static class StoreCommands
{
    private static readonly Argument<string> Name = new("STORE") { Description = "The store id" };
    private static readonly Option<string?> Prefix = new("--prefix") { Description = "Only stores whose id starts with this" };
    private static readonly Option<string?> Ttl = new("--ttl") { Description = "Time to live of a key: 3600, 90s, 15m, 12h, 30d (at most 30d)", HelpName = "DURATION" };
    private static readonly Option<bool> Rolling = new("--rolling") { Description = "Rolling expiry: reads extend a key's life (default for create: static, last write + TTL)" };
    private static readonly Option<bool> Fixed = new("--fixed") { Description = "Static expiry: last write + TTL" };
    private static readonly Option<bool?> Encrypted = new("--encrypted") { Description = "Encrypt values at rest (fixed when the store is created) [default: the server's]" };
    private static readonly Option<string?> ConfirmationTtl = new("--confirmation-ttl")
    {
        Description = "How long a confirmable write waits for confirmation",
        HelpName = "DURATION",
    };

    public static readonly IReadOnlyList<Column<StoreDto>> Columns =
    [
        new("STORE", static s => s.StoreId),
        new("TTL", static s => Durations.Format(s.DefaultTtlSeconds)),
        new("EXPIRY", static s => s.IsFixedTtl ? "static" : "rolling"),
        new("ENCRYPTED", static s => s.Encrypted ? "yes" : "no"),
        new("PERSISTENT", static s => s.Persistent ? "yes" : "no"),
    ];

    public static Command Create()
    {
        var yes = Actions.YesOption();
        var list = new Command("list", "List the environment's stores") { Prefix }.Handle(ListAsync);
        var show = new Command("show", "Show a store's settings and contents") { Name }.Handle(ShowAsync);
        var create = new Command("create", "Create a store") { Name, Ttl, Rolling, Encrypted, ConfirmationTtl }.Handle(CreateAsync);
        var update = new Command("update", "Change a store's TTL or expiry mode (encryption cannot change)") { Name, Ttl, Rolling, Fixed, ConfirmationTtl }
            .Handle(UpdateAsync);
        var delete = new Command("delete", "Delete a store with every partition and key in it") { Name, yes }
            .Handle((context, ct) => DeleteAsync(context, context.Value(yes), ct));
        return new Command("store", "Stores of an environment") { list, show, create, update, delete };
    }

    private static async Task ListAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        var stores = session.Client.ListStoresAsync(target.OrganizationId, target.EnvironmentId, context.Value(Prefix), pageSize: 100, cancellationToken);
        await context.Output.WriteListAsync(stores, StowageJsonContext.Default.StoreDto, Columns, cancellationToken);
    }

    private static async Task ShowAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        var store = await session.Client.GetStoreAsync(target.OrganizationId, target.EnvironmentId, context.Value(Name)!, cancellationToken);
        StoreUsageDto? contents = null;
        if (context.Output.IsText)
        {
            try
            {
                contents = await session.Client.GetStoreContentsAsync(target.OrganizationId, target.EnvironmentId, store.StoreId, cancellationToken);
            }
            catch (StowageApiException e) when (e.Status == 403)
            {
                // A token may read settings without the right to count keys.
            }
        }

        WriteStore(context, store, contents);
    }

    private static async Task CreateAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        var name = context.Value(Name)!;
        if (await ExistsAsync(session.Client, target, name, cancellationToken))
        {
            throw new CliException(ExitCodes.Failed, $"Store '{name}' already exists; change it with 'stowage store update'.", "STORE_EXISTS");
        }

        var settings = new StoreSettingsRequest
        {
            DefaultTtlSeconds = TtlOption(context, Ttl),
            DefaultConfirmationTtlSeconds = TtlOption(context, ConfirmationTtl),
            IsFixedTtl = !context.Value(Rolling),
            Encrypted = context.Value(Encrypted),
        };
        var (store, _) = await session.Client.PutStoreAsync(target.OrganizationId, target.EnvironmentId, name, settings, cancellationToken);
        context.Output.Message($"Created store {store.StoreId}.");
        WriteStore(context, store, contents: null);
    }

    private static async Task UpdateAsync(CliContext context, CancellationToken cancellationToken)
    {
        if (context.Value(Rolling) && context.Value(Fixed))
        {
            throw CliException.Usage("Choose --rolling or --fixed, not both.");
        }

        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        var current = await session.Client.GetStoreAsync(target.OrganizationId, target.EnvironmentId, context.Value(Name)!, cancellationToken);

        // PUT replaces every setting it is given and defaults the rest, so the current ones are sent back;
        // encryption is left out, so the store keeps its own.
        var settings = new StoreSettingsRequest
        {
            DefaultTtlSeconds = TtlOption(context, Ttl) ?? current.DefaultTtlSeconds,
            DefaultConfirmationTtlSeconds = TtlOption(context, ConfirmationTtl) ?? current.DefaultConfirmationTtlSeconds,
            IsFixedTtl = context.Value(Fixed) || (!context.Value(Rolling) && current.IsFixedTtl),
            Persistent = current.Persistent,
        };
        var (store, _) = await session.Client.PutStoreAsync(target.OrganizationId, target.EnvironmentId, current.StoreId, settings, cancellationToken);
        context.Output.Message($"Updated store {store.StoreId}.");
        WriteStore(context, store, contents: null);
    }

    private static async Task DeleteAsync(CliContext context, bool yes, CancellationToken cancellationToken)
    {
        var name = context.Value(Name)!;
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        Actions.Confirm(context, yes, $"Delete store '{name}' with every partition and key in it?");
        await session.Client.DeleteStoreAsync(target.OrganizationId, target.EnvironmentId, name, cancellationToken);
        context.Output.Message($"Deleted store {name}.");
    }

    public static async Task<bool> ExistsAsync(StowageClient client, Connection.Target target, string storeId, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetStoreAsync(target.OrganizationId, target.EnvironmentId, storeId, cancellationToken);
            return true;
        }
        catch (StowageApiException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private static long? TtlOption(CliContext context, Option<string?> option) =>
        context.Value(option) is { } text ? Durations.ParseSeconds(text, option.Name) : null;

    private static void WriteStore(CliContext context, StoreDto store, StoreUsageDto? contents)
    {
        List<(string, string)> rows =
        [
            ("store", store.StoreId),
            ("ttl", Durations.Format(store.DefaultTtlSeconds)),
            ("expiry", store.IsFixedTtl ? "static (last write + TTL)" : "rolling (last write or read + TTL)"),
            ("encrypted", store.Encrypted ? "yes" : "no"),
            ("persistent", store.Persistent ? "yes" : "no"),
            ("confirmation ttl", Durations.Format(store.DefaultConfirmationTtlSeconds)),
        ];
        if (contents is not null)
        {
            rows.Add(("keys", contents.KeyCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
            rows.Add(("partitions", contents.PartitionCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
            rows.Add(("size", Bytes.Format(contents.SizeBytes)));
        }

        context.Output.WriteObject(store, StowageJsonContext.Default.StoreDto, rows);
    }
}
