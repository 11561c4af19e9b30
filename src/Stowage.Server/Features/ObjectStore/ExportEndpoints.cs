using System.Buffers;
using System.IO.Pipelines;
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
                lines.Dispose();
                await export.DisposeAsync();
                return Problems.Result(error);
            }
        }
        catch
        {
            lines.Dispose();
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
    /// Streams the export: each chunk's lines, written out before the next chunk is handed over
    /// (the one after is being read meanwhile: <see cref="StoreExport"/>), so the server holds
    /// two chunks whatever the store's size. A failure after the first byte (the store deleted
    /// meanwhile, storage unavailable) aborts the connection: the answer then lacks its end
    /// (HTTP/1.1's last chunk), which every client reports as an error, so a cut export is never
    /// taken for a whole one.
    /// </summary>
    internal sealed class ExportResult(StoreExport export, ExportLines lines, ILogger logger) : IResult
    {
        /// <summary>Bytes of the values sent, as the client wrote them: what usage metering bills, known once the answer is complete.</summary>
        public long PayloadBytes => lines.PayloadBytes;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await using var reading = export;
            using var pieces = lines;
            var response = httpContext.Response;
            var aborted = httpContext.RequestAborted;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = MediaType;
            response.Headers.CacheControl = "no-store";
            try
            {
                await lines.SendAsync(response.BodyWriter, aborted);
                while (!export.Completed)
                {
                    if (await export.NextChunkAsync(lines.Write, aborted) is { } error)
                    {
                        ExportStopped(logger, export.Entries, error.Message);
                        httpContext.Abort();
                        return;
                    }

                    await lines.SendAsync(response.BodyWriter, aborted);
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
    /// and a line feed each, with the values page's JSON rules (ValueJson), into
    /// <see cref="ExportPieces"/> of its own that <see cref="SendAsync"/> hands to the answer one
    /// by one, each one HTTP/1.1 chunk (lines written into the answer's own buffers would go out
    /// in chunks of about 4 KiB, and a client reads one chunk per read), and gives back once sent.
    /// </summary>
    internal sealed class ExportLines : IBufferWriter<byte>, IDisposable
    {
        private readonly List<(byte[] Array, int Length)> _written = [];
        private readonly Utf8JsonWriter _json;
        private byte[]? _piece;
        private int _pieceLength;
        private string? _partition;
        private JsonEncodedText _encodedPartition;

        public ExportLines() => _json = new Utf8JsonWriter(this, ServerJson.WriterOptions);

        public long PayloadBytes { get; private set; }

        /// <summary>Sends the lines written since the last call, piece by piece, and gives the sent pieces back.</summary>
        public async Task SendAsync(PipeWriter answer, CancellationToken cancellationToken)
        {
            foreach (var (array, length) in _written)
            {
                await answer.WriteAsync(array.AsMemory(0, length), cancellationToken);
            }

            ReleaseWritten();
            if (_pieceLength > 0)
            {
                await answer.WriteAsync(_piece.AsMemory(0, _pieceLength), cancellationToken);
                _pieceLength = 0;
            }
        }

        /// <summary>Gives every piece back (the export is over, sent or not).</summary>
        public void Dispose()
        {
            ReleaseWritten();
            if (_piece is not null)
            {
                ExportPieces.Return(_piece);
                _piece = null;
                _pieceLength = 0;
            }
        }

        void IBufferWriter<byte>.Advance(int count)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            if (_piece is null || count > _piece.Length - _pieceLength)
            {
                throw new InvalidOperationException("Advanced past the space handed out.");
            }

            _pieceLength += count;
        }

        Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint) => Room(sizeHint).AsMemory(_pieceLength);

        Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint) => Room(sizeHint).AsSpan(_pieceLength);

        /// <summary>The current piece, or a new one when it has fewer than <paramref name="sizeHint"/> bytes left.</summary>
        private byte[] Room(int sizeHint)
        {
            sizeHint = Math.Max(sizeHint, 1);
            if (_piece is not null && _piece.Length - _pieceLength >= sizeHint)
            {
                return _piece;
            }

            if (_piece is not null)
            {
                if (_pieceLength > 0)
                {
                    _written.Add((_piece, _pieceLength));
                }
                else
                {
                    ExportPieces.Return(_piece);
                }
            }

            _piece = ExportPieces.Rent(sizeHint);
            _pieceLength = 0;
            return _piece;
        }

        /// <summary>Gives back the pieces filled before the current one (sent, or no longer to be).</summary>
        private void ReleaseWritten()
        {
            foreach (var (array, _) in _written)
            {
                ExportPieces.Return(array);
            }

            _written.Clear();
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
            IBufferWriter<byte> lines = this;
            lines.GetSpan(1)[0] = (byte)'\n';
            lines.Advance(1);
            json.Reset();
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
