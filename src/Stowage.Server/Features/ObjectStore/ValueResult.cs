using System.Text.Json;
using Stowage.ObjectStore;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.ObjectStore;

/// <summary>Writes one Value (with its ETag) or a page of Values straight to the response stream.</summary>
internal sealed class ValueResult(Entry? entry, IReadOnlyList<Entry>? page, string? nextPageToken, int status, PendingWriteResult? pending = null) : IResult
{
    private const int FlushBytes = 64 * 1024;

    public static ValueResult One(Entry entry, int status = StatusCodes.Status200OK) => new(entry, null, null, status);

    public static ValueResult Page(IReadOnlyList<Entry> entries, string? nextPageToken) => new(null, entries, nextPageToken, StatusCodes.Status200OK);

    /// <summary>
    /// 202 for a pending confirmable write: the Value as it will be, plus <c>confirmationId</c>.
    /// No ETag header: the value is not the key's current representation until confirmed.
    /// </summary>
    public static ValueResult Pending(PendingWriteResult pending) => new(pending.Entry!, null, null, StatusCodes.Status202Accepted, pending);

    /// <summary>Bytes of the value(s) carried, as the client wrote them: what usage metering bills.</summary>
    public long PayloadBytes => entry is not null ? entry.Value.Data.Length : page!.Sum(e => (long)e.Value.Data.Length);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        if (entry is not null && pending is null)
        {
            response.Headers.ETag = ValueJson.ETag(entry);
        }

        await using var writer = new Utf8JsonWriter(response.BodyWriter, ServerJson.WriterOptions);
        if (entry is not null)
        {
            ValueJson.WriteValue(writer, entry, pending);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteStartArray("values");
            long sent = 0;
            foreach (var item in page!)
            {
                ValueJson.WriteValue(writer, item);

                // Sent as it is written, so the response never holds a whole page's JSON at once.
                if (writer.BytesCommitted + writer.BytesPending - sent >= FlushBytes)
                {
                    writer.Flush();
                    await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
                    sent = writer.BytesCommitted;
                }
            }

            writer.WriteEndArray();
            writer.WriteString("nextPageToken", nextPageToken);
            writer.WriteEndObject();
        }

        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
