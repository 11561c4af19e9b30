using System.Buffers;
using System.Text.Json;
using Stowage.Access;
using Stowage.Core.Errors;
using Stowage.ObjectStore;
using Stowage.Server.Auth;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>
/// <c>GET …/stores/{store}/export[?partition=P]</c> (ext): every live key of a store (or of one
/// partition) as JSON Lines, one line per key in the format of an export file's key lines
/// (docs/cli.md), streamed in one answer. See docs/api/README.md, "Store exports (ext)".
/// </summary>
public static partial class ExportEndpoints
{
    public const string MediaType = "application/jsonl; charset=utf-8";

    public static RouteGroupBuilder MapExportEndpoints(this RouteGroupBuilder stores)
    {
        var services = ((IEndpointRouteBuilder)stores).ServiceProvider;
        var service = services.GetRequiredService<ObjectStoreService>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExportEndpoints).FullName!);
        stores.MapGet("/{store}/export", Task<IResult> (HttpContext context) => ExportAsync(context, service, logger)).WithName("ExportStore")
            .RequireStoreRight(StoreRight.ManageData)
            .Produces(StatusCodes.Status200OK, contentType: "application/jsonl");
        return stores;
    }

    private static async Task<IResult> ExportAsync(HttpContext context, ObjectStoreService service, ILogger logger)
    {
        var store = DataPlaneRequest.Store(context);
        if (!store.IsSuccess)
        {
            return Problems.Result(store.Error!);
        }

        var partitions = context.Request.Query["partition"];
        if (partitions.Count > 1)
        {
            return Problems.Result(ErrorCodes.InvalidQuery, "Query parameter 'partition' is given more than once.");
        }

        string? partition = partitions;
        if (partition is not null && Names.CheckPartition(partition) is { } invalid)
        {
            return Problems.Result(invalid);
        }

        // The first chunk is read before the answer starts, so a missing store or partition is
        // an ordinary 404; from then on the status is sent and a failure can only cut the answer.
        var export = service.Export(store.Value, partition);
        var lines = new ExportLines();
        try
        {
            if (await export.NextChunkAsync(lines.Write, context.RequestAborted) is { } error)
            {
                await export.DisposeAsync();
                return Problems.Result(error);
            }
        }
        catch
        {
            await export.DisposeAsync();
            throw;
        }

        return new ExportResult(export, lines, logger);
    }

    [LoggerMessage(EventId = 160, Level = LogLevel.Warning, Message = "An export stopped after {Entries} keys, its answer cut: {Reason}")]
    private static partial void ExportStopped(ILogger logger, long entries, string reason);

    [LoggerMessage(EventId = 161, Level = LogLevel.Error, Message = "An export failed after {Entries} keys, its answer cut")]
    private static partial void ExportFailed(ILogger logger, Exception exception, long entries);

    /// <summary>
    /// Streams the export: the first chunk's lines, then chunk after chunk, each written out
    /// before the next is read, so the server holds one chunk whatever the store's size. A
    /// failure after the first byte (the store deleted meanwhile, storage unavailable) aborts the
    /// connection: the answer then lacks its end (HTTP/1.1's last chunk), which every client
    /// reports as an error, so a cut export is never taken for a whole one.
    /// </summary>
    internal sealed class ExportResult(StoreExport export, ExportLines lines, ILogger logger) : IResult
    {
        /// <summary>Bytes of the values sent, as the client wrote them: what usage metering bills, known once the answer is complete.</summary>
        public long PayloadBytes => lines.PayloadBytes;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await using var reading = export;
            var response = httpContext.Response;
            var aborted = httpContext.RequestAborted;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = MediaType;
            response.Headers.CacheControl = "no-store";
            try
            {
                lines.SendTo(response.BodyWriter);
                await response.BodyWriter.FlushAsync(aborted);
                while (!export.Completed)
                {
                    if (await export.NextChunkAsync(lines.Write, aborted) is { } error)
                    {
                        ExportStopped(logger, export.Entries, error.Message);
                        httpContext.Abort();
                        return;
                    }

                    await response.BodyWriter.FlushAsync(aborted);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !aborted.IsCancellationRequested)
            {
                ExportFailed(logger, ex, export.Entries);
                httpContext.Abort();
            }
        }
    }

    /// <summary>
    /// Writes export lines, <c>{"partition":…,"key":…,"valueType":…,"stringValue"|"numberValue"|"binaryValue":…,"expiresAt":…}</c>
    /// and a line feed each, with the values page's JSON rules (ValueJson): first into a buffer of
    /// its own (the first chunk, read before the answer starts), then straight into the answer.
    /// </summary>
    internal sealed class ExportLines
    {
        private readonly ArrayBufferWriter<byte> _first = new(64 * 1024);
        private IBufferWriter<byte> _output;
        private Utf8JsonWriter _json;
        private string? _partition;
        private JsonEncodedText _encodedPartition;

        public ExportLines()
        {
            _output = _first;
            _json = new Utf8JsonWriter(_first, ServerJson.WriterOptions);
        }

        public long PayloadBytes { get; private set; }

        /// <summary>Copies what was written so far to <paramref name="output"/>, and writes there from now on.</summary>
        public void SendTo(IBufferWriter<byte> output)
        {
            output.Write(_first.WrittenSpan);
            _first.Clear();
            _output = output;
            _json.Reset(output);
        }

        public void Write(in ExportedEntry entry)
        {
            var json = _json;
            json.WriteStartObject();
            json.WriteString("partition"u8, Partition(entry.Partition));
            json.WriteString("key"u8, entry.Key);
            ValueJson.WriteContent(json, entry.Kind, entry.Value);
            Span<byte> text = stackalloc byte[32];
            json.WriteString("expiresAt"u8, ValueJson.Timestamp(entry.ExpiresAt, text));
            json.WriteEndObject();
            json.Flush();
            _output.GetSpan(1)[0] = (byte)'\n';
            _output.Advance(1);
            json.Reset(_output);
            PayloadBytes += entry.Value.Length;
        }

        private JsonEncodedText Partition(string partition)
        {
            if (!string.Equals(partition, _partition, StringComparison.Ordinal))
            {
                _partition = partition;
                _encodedPartition = JsonEncodedText.Encode(partition, ServerJson.Encoder);
            }

            return _encodedPartition;
        }
    }
}
