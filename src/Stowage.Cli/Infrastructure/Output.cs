using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;

namespace Stowage.Cli.Infrastructure;

/// <summary>What <c>--output</c> asks for.</summary>
public enum OutputFormat
{
    /// <summary>Tables on a terminal; tab-separated lines without a header when redirected.</summary>
    Text,

    /// <summary>One JSON document: an object, or an array for list commands (streamed).</summary>
    Json,

    /// <summary>JSON Lines: one compact JSON value per line.</summary>
    Jsonl,
}

/// <summary>A column of a list: its header on a terminal and how a row shows in it.</summary>
public sealed record Column<T>(string Header, Func<T, string> Value);

/// <summary>
/// Writes a command's results in the chosen format. Lists stream: JSON arrays and lines are
/// flushed as they fill, and terminal tables are drawn in chunks, so memory stays flat
/// whatever the number of items.
/// </summary>
public sealed class Output(Terminal terminal, OutputFormat format)
{
    private const int TableChunk = 100;
    private const int FlushEvery = 100;

    public OutputFormat Format { get; } = format;

    public Terminal Terminal { get; } = terminal;

    public bool IsText => Format == OutputFormat.Text;

    /// <summary>A short confirmation for people; nothing in the JSON formats, where the data speaks.</summary>
    public void Message(string text)
    {
        if (IsText)
        {
            Terminal.Output.WriteLine(text);
        }
    }

    public async Task<long> WriteListAsync<T>(
        IAsyncEnumerable<T> items, JsonTypeInfo<T> json, IReadOnlyList<Column<T>> columns, CancellationToken cancellationToken)
    {
        return Format switch
        {
            OutputFormat.Json or OutputFormat.Jsonl => await WriteJsonListAsync(items, json, Format == OutputFormat.Jsonl, cancellationToken),
            _ when Terminal.OutputIsTerminal => await WriteTablesAsync(items, columns, cancellationToken),
            _ => await WritePlainAsync(items, columns, cancellationToken),
        };
    }

    public void WriteObject<T>(T value, JsonTypeInfo<T> json, IEnumerable<(string Name, string Value)> rows)
    {
        if (Format != OutputFormat.Text)
        {
            Terminal.Output.WriteLine(JsonSerializer.Serialize(value, json));
            return;
        }

        if (Terminal.OutputIsTerminal)
        {
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            foreach (var (name, text) in rows)
            {
                grid.AddRow(new Markup("[bold]" + Markup.Escape(name) + "[/]"), new Text(text));
            }

            Terminal.Out.Write(grid);
            return;
        }

        foreach (var (name, text) in rows)
        {
            Terminal.Output.Write(name);
            Terminal.Output.Write('\t');
            Terminal.Output.WriteLine(text);
        }
    }

    private async Task<long> WriteJsonListAsync<T>(IAsyncEnumerable<T> items, JsonTypeInfo<T> json, bool lines, CancellationToken cancellationToken)
    {
        await Terminal.Output.FlushAsync(cancellationToken);
        var stream = new BufferedStream(Terminal.StandardOutput, 64 * 1024);
        await using var writer = new Utf8JsonWriter(stream);
        long count = 0;
        if (!lines)
        {
            writer.WriteStartArray();
        }

        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, item, json);
            if (lines)
            {
                // One document per line: a reset writer does not put a comma between them.
                writer.Flush();
                stream.WriteByte((byte)'\n');
                writer.Reset();
            }

            count++;
            if (count % FlushEvery == 0)
            {
                await writer.FlushAsync(cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
        }

        if (!lines)
        {
            writer.WriteEndArray();
            await writer.FlushAsync(cancellationToken);
            stream.WriteByte((byte)'\n');
        }

        await writer.FlushAsync(cancellationToken);
        await stream.FlushAsync(cancellationToken);
        return count;
    }

    private async Task<long> WriteTablesAsync<T>(IAsyncEnumerable<T> items, IReadOnlyList<Column<T>> columns, CancellationToken cancellationToken)
    {
        long count = 0;
        var table = NewTable(columns);
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            table.AddRow(columns.Select(column => new Text(column.Value(item))).ToArray<Spectre.Console.Rendering.IRenderable>());
            if (++count % TableChunk == 0)
            {
                Terminal.Out.Write(table);
                table = NewTable(columns);
            }
        }

        if (table.Rows.Count > 0 || count == 0)
        {
            if (count == 0)
            {
                Terminal.Out.MarkupLine("[grey](none)[/]");
            }
            else
            {
                Terminal.Out.Write(table);
            }
        }

        return count;
    }

    private async Task<long> WritePlainAsync<T>(IAsyncEnumerable<T> items, IReadOnlyList<Column<T>> columns, CancellationToken cancellationToken)
    {
        long count = 0;
        var output = Terminal.Output;
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            for (var i = 0; i < columns.Count; i++)
            {
                if (i > 0)
                {
                    output.Write('\t');
                }

                output.Write(columns[i].Value(item));
            }

            output.Write('\n');
            count++;
        }

        await output.FlushAsync(cancellationToken);
        return count;
    }

    private static Table NewTable<T>(IReadOnlyList<Column<T>> columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column.Header)));
        }

        return table;
    }
}
