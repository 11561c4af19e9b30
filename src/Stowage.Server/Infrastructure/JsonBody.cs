using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Net.Http.Headers;
using Stowage.Core.Errors;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// Reads a JSON request body whole, within a byte limit, after checking its content type.
/// Returns null for an empty body (some endpoints allow one).
/// </summary>
internal static class JsonBody
{
    // A member given twice has no single meaning (readers disagree on which one wins), so
    // such a body is refused rather than half-applied.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    public static async Task<Result<JsonDocument?>> ReadAsync(HttpContext context, long maxBytes, ErrorCode tooLarge, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
        {
            return Result<JsonDocument?>.Ok(null);
        }

        if (!IsJson(request.ContentType))
        {
            return Result<JsonDocument?>.Fail(ErrorCodes.UnsupportedMediaType, "The body must be JSON: send Content-Type: application/json.");
        }

        if (request.ContentLength > maxBytes)
        {
            return Result<JsonDocument?>.Fail(tooLarge, $"The body is larger than {maxBytes} bytes.");
        }

        // Sized for the declared body and one byte more (where the end shows), so a body with a
        // Content-Length is read into one array of its size; without one, the array doubles as
        // the body comes. (Asking for a larger free block on every read made each small body
        // allocate, and zero, a second array of 16 KB.)
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        while (true)
        {
            var memory = buffer.GetMemory();
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return Result<JsonDocument?>.Fail(tooLarge, $"The body is larger than {maxBytes} bytes.");
            }
        }

        if (buffer.WrittenCount == 0)
        {
            return Result<JsonDocument?>.Ok(null);
        }

        // JSON text is UTF-8 (RFC 8259); the parser checks the structure but leaves string
        // contents to be transcoded later, where bad bytes would surface as exceptions.
        if (!Utf8.IsValid(buffer.WrittenSpan))
        {
            return Result<JsonDocument?>.Fail(ErrorCodes.MalformedJson, "The body is not valid UTF-8.");
        }

        try
        {
            return JsonDocument.Parse(buffer.WrittenMemory, Options);
        }
        catch (JsonException)
        {
            return Result<JsonDocument?>.Fail(ErrorCodes.MalformedJson, "The body is not valid JSON.");
        }
        catch (InvalidOperationException)
        {
            // The duplicate-member check decodes member names: one escaping a lone surrogate
            // ("\uD800") is valid JSON syntax but has no text, and the parser throws this.
            return Result<JsonDocument?>.Fail(ErrorCodes.MalformedJson, "The body has a member name that is not valid Unicode text.");
        }
    }

    private static bool IsJson(string? contentType)
    {
        // No Content-Type with a body is taken as JSON: scripts often omit it.
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }

        var charsetOk = media.Charset.Value is null || string.Equals(media.Charset.Value, "utf-8", StringComparison.OrdinalIgnoreCase);
        return charsetOk && (string.Equals(type, "application/json", StringComparison.OrdinalIgnoreCase)
            || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
