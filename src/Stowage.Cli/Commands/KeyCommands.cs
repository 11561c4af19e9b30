using System.CommandLine;
using System.Text;
using Stowage.Cli.Connection;
using Stowage.Cli.Infrastructure;
using Stowage.Client;
using Stowage.Contracts;

namespace Stowage.Cli.Commands;

/// <summary><c>key list/get/put/delete</c>: values go to and from standard output, files or arguments byte for byte.</summary>
public static class KeyCommands
{
    private static readonly Argument<string> Store = new("STORE") { Description = "The store id" };
    private static readonly Argument<string?> OptionalPartition = new("PARTITION") { Description = "The partition; every partition when left out", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Argument<string> Partition = new("PARTITION") { Description = "The partition name" };
    private static readonly Argument<string> Key = new("KEY") { Description = "The key" };
    private static readonly Argument<string?> Stdin = new("-")
    {
        Description = "Read the value from standard input",
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "-",
    };

    private static readonly Option<string?> Prefix = new("--prefix") { Description = "Only keys that start with this" };
    private static readonly Option<string?> Out = new("--out") { Description = "Write the value to this file instead of standard output", HelpName = "FILE" };
    private static readonly Option<string?> Value = new("--value") { Description = "The value, as text (a string or a number)", HelpName = "V" };
    private static readonly Option<string?> File = new("--file") { Description = "Read the value from this file", HelpName = "FILE" };
    private static readonly Option<string?> Type = CreateTypeOption();

    private static readonly Option<string?> Ttl = new("--ttl") { Description = "A time to live for this key only (static): 3600, 90s, 15m, 12h, 30d", HelpName = "DURATION" };
    private static readonly Option<bool> IfAbsent = new("--if-absent") { Description = "Only create: fail with KEY_ALREADY_EXISTS if the key exists" };
    private static readonly Option<string?> IfVersion = new("--if-version")
    {
        Description = "Only if the key still has this version (compare-and-set): fail with VERSION_MISMATCH otherwise",
        HelpName = "VERSION",
    };

    public enum ValueKind
    {
        String,
        Number,
        Binary,
    }

    public static Command Create()
    {
        var list = new Command("list", "List keys, following every page") { Store, OptionalPartition, Prefix }.Handle(ListAsync);
        var get = new Command("get", "Write a value to standard output (or --out FILE), byte for byte") { Store, Partition, Key, Out }.Handle(GetAsync);
        var put = new Command("put", "Write a value: --value V, --file F, or - for standard input")
        {
            Store, Partition, Key, Stdin, Value, File, Type, Ttl, IfAbsent, IfVersion,
        }.Handle(PutAsync);
        var delete = new Command("delete", "Delete a key") { Store, Partition, Key, IfVersion }.Handle(DeleteAsync);
        return new Command("key", "Keys and values") { list, get, put, delete };
    }

    private static Option<string?> CreateTypeOption()
    {
        var option = new Option<string?>("--type") { Description = "string, number or binary [default: string for --value, binary for --file and -]" };
        option.AcceptOnlyFromAmong("string", "number", "binary");
        return option;
    }

    private static async Task ListAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        var store = context.Value(Store)!;
        var partition = context.Value(OptionalPartition);
        var items = Keys(session.Client, target, store, partition, context.Value(Prefix), cancellationToken);
        IReadOnlyList<Column<KeyItem>> columns = partition is null
            ? [new("PARTITION", static k => k.Partition), new("KEY", static k => k.KeyId)]
            : [new("KEY", static k => k.KeyId)];
        await context.Output.WriteListAsync(items, CliJsonContext.Default.KeyItem, columns, cancellationToken);
    }

    private static async IAsyncEnumerable<KeyItem> Keys(
        StowageClient client, Target target, string store, string? partition, string? prefix,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (partition is not null)
        {
            await foreach (var key in client.ListKeysAsync(target.OrganizationId, target.EnvironmentId, store, partition, prefix, 1000, cancellationToken))
            {
                yield return new KeyItem(partition, key);
            }

            yield break;
        }

        await foreach (var name in client.ListPartitionsAsync(target.OrganizationId, target.EnvironmentId, store, 1000, cancellationToken))
        {
            await foreach (var key in client.ListKeysAsync(target.OrganizationId, target.EnvironmentId, store, name, prefix, 1000, cancellationToken))
            {
                yield return new KeyItem(name, key);
            }
        }
    }

    private static async Task GetAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        var value = await session.Client.GetValueAsync(
            target.OrganizationId, target.EnvironmentId, context.Value(Store)!, context.Value(Partition)!, context.Value(Key)!, cancellationToken);
        if (!context.Output.IsText)
        {
            context.Output.WriteObject(value, StowageJsonContext.Default.ValueDto, []);
            return;
        }

        var bytes = Values.BytesOf(value);
        if (context.Value(Out) is { } path)
        {
            await System.IO.File.WriteAllBytesAsync(path, bytes, cancellationToken);
            context.Terminal.Notice($"Wrote {bytes.Length} bytes ({value.ValueType}) to {path}.");
            return;
        }

        if (context.Terminal.OutputIsTerminal && value.ValueType == ValueTypes.Binary && !Values.IsPrintable(bytes))
        {
            throw CliException.Usage($"The value is {bytes.Length} bytes of binary data: pass --out FILE, or pipe the output.");
        }

        await context.Terminal.Output.FlushAsync(cancellationToken);
        await context.Terminal.StandardOutput.WriteAsync(bytes, cancellationToken);
        if (context.Terminal.OutputIsTerminal)
        {
            // Only for the eye: piped output stays byte-exact.
            await context.Terminal.StandardOutput.WriteAsync("\n"u8.ToArray(), cancellationToken);
        }

        await context.Terminal.StandardOutput.FlushAsync(cancellationToken);
    }

    private static async Task PutAsync(CliContext context, CancellationToken cancellationToken)
    {
        var (bytes, text, defaultKind) = await ReadInputAsync(context, cancellationToken);
        var kind = context.Value(Type) switch
        {
            "string" => ValueKind.String,
            "number" => ValueKind.Number,
            "binary" => ValueKind.Binary,
            _ => defaultKind,
        };
        long? ttl = context.Value(Ttl) is { } ttlText ? Durations.ParseSeconds(ttlText, "--ttl") : null;
        var key = context.Value(Key)!;
        var body = Values.Build(key, kind, bytes, text, ttl);
        if (context.Value(IfAbsent) && context.Value(IfVersion) is not null)
        {
            throw CliException.Usage("Choose --if-absent or --if-version, not both.");
        }

        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        var (store, partition) = (context.Value(Store)!, context.Value(Partition)!);
        ValueDto written;
        bool created;
        if (context.Value(IfAbsent))
        {
            written = await session.Client.CreateIfAbsentAsync(target.OrganizationId, target.EnvironmentId, store, partition, key, body, cancellationToken)
                ?? throw new CliException(ExitCodes.Failed, $"Key '{key}' already exists in partition '{partition}'.", "KEY_ALREADY_EXISTS");
            created = true;
        }
        else if (context.Value(IfVersion) is { } version)
        {
            written = await session.Client.ReplaceIfVersionAsync(target.OrganizationId, target.EnvironmentId, store, partition, key, body, version, cancellationToken)
                ?? throw new CliException(ExitCodes.Failed, $"Key '{key}' no longer has version {version} (changed, expired or deleted).", "VERSION_MISMATCH");
            created = false;
        }
        else
        {
            (written, created) = await session.Client.PutValueAsync(target.OrganizationId, target.EnvironmentId, store, partition, key, body, cancellationToken);
        }

        var result = new KeyWriteResult(partition, key, created, written.Version, written.ExpiresAt);
        context.Output.WriteObject(result, CliJsonContext.Default.KeyWriteResult,
        [
            (created ? "created" : "written", $"{partition}/{key}"),
            ("version", written.Version ?? "-"),
            ("expires", written.ExpiresAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-"),
        ]);
    }

    private static async Task DeleteAsync(CliContext context, CancellationToken cancellationToken)
    {
        using var session = context.OpenSession();
        var target = await session.TargetAsync(cancellationToken);
        var (store, partition, key) = (context.Value(Store)!, context.Value(Partition)!, context.Value(Key)!);
        if (context.Value(IfVersion) is { } version)
        {
            if (!await session.Client.DeleteIfMatchAsync(target.OrganizationId, target.EnvironmentId, store, partition, key, version, cancellationToken))
            {
                throw new CliException(ExitCodes.Failed, $"Key '{key}' no longer has version {version}.", "VERSION_MISMATCH");
            }
        }
        else
        {
            await session.Client.DeleteKeyAsync(target.OrganizationId, target.EnvironmentId, store, partition, key, cancellationToken);
        }

        context.Output.Message($"Deleted {partition}/{key}.");
    }

    /// <summary>Exactly one source of the value: the bytes, their text when given as text, and the type that source implies.</summary>
    private static async Task<(byte[]? Bytes, string? Text, ValueKind DefaultKind)> ReadInputAsync(CliContext context, CancellationToken cancellationToken)
    {
        var value = context.Value(Value);
        var file = context.Value(File);
        var stdin = context.Value(Stdin);
        if (stdin is not null && stdin != "-")
        {
            throw CliException.Usage($"Unexpected argument '{stdin}': the value comes from --value, --file or - (standard input).");
        }

        var sources = (value is null ? 0 : 1) + (file is null ? 0 : 1) + (stdin is null ? 0 : 1);
        if (sources != 1)
        {
            throw CliException.Usage("Give the value exactly one way: --value V, --file F, or - for standard input.");
        }

        if (value is not null)
        {
            return (null, value, ValueKind.String);
        }

        if (file is not null)
        {
            if (!System.IO.File.Exists(file))
            {
                throw CliException.Usage($"The file '{file}' does not exist.");
            }

            return (await System.IO.File.ReadAllBytesAsync(file, cancellationToken), null, ValueKind.Binary);
        }

        using var buffer = new MemoryStream();
        await using (var input = Console.OpenStandardInput())
        {
            await input.CopyToAsync(buffer, cancellationToken);
        }

        return (buffer.ToArray(), null, ValueKind.Binary);
    }
}

/// <summary>A listed key with its partition.</summary>
public sealed record KeyItem(string Partition, string KeyId);

/// <summary>What <c>key put</c> reports.</summary>
public sealed record KeyWriteResult(string Partition, string KeyId, bool Created, string? Version, DateTimeOffset? ExpiresAt);

/// <summary>Turning command-line input into values and values into bytes.</summary>
public static class Values
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ValueDto Build(string key, KeyCommands.ValueKind kind, byte[]? bytes, string? text, long? ttlSeconds)
    {
        switch (kind)
        {
            case KeyCommands.ValueKind.Binary:
                return new ValueDto
                {
                    KeyId = key,
                    ValueType = ValueTypes.Binary,
                    BinaryValue = Convert.ToBase64String(bytes ?? Encoding.UTF8.GetBytes(text!)),
                    TtlSeconds = ttlSeconds,
                };
            case KeyCommands.ValueKind.Number:
                var number = (text ?? Decode(bytes!)).Trim();
                if (!RawJsonNumberConverter.IsJsonNumber(number))
                {
                    throw CliException.Usage($"'{Shorten(number)}' is not a JSON number (for example 42, -1.5 or 6.02e23).");
                }

                return new ValueDto { KeyId = key, ValueType = ValueTypes.Number, NumberValue = number, TtlSeconds = ttlSeconds };
            default:
                return new ValueDto { KeyId = key, ValueType = ValueTypes.String, StringValue = text ?? Decode(bytes!), TtlSeconds = ttlSeconds };
        }
    }

    /// <summary>The value's bytes: a string as UTF-8, a number as its exact text, a binary value decoded.</summary>
    public static byte[] BytesOf(ValueDto value) => value.ValueType switch
    {
        ValueTypes.Binary => Convert.FromBase64String(value.BinaryValue ?? string.Empty),
        ValueTypes.Number => Encoding.UTF8.GetBytes(value.NumberValue ?? string.Empty),
        _ => Encoding.UTF8.GetBytes(value.StringValue ?? string.Empty),
    };

    public static bool IsPrintable(byte[] bytes)
    {
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return !text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t');
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string Decode(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw CliException.Usage("The input is not UTF-8 text: store it with --type binary.");
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
