using Microsoft.AspNetCore.Http.Features;
using Stowage.Core.Errors;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// Reads a plain form body (<c>application/x-www-form-urlencoded</c>) within a byte limit and
/// the form reader's field limits, as a result: an over-long field name, too many fields, a
/// body past the limit (with or without Content-Length) or a multipart body is a 4xx, never an
/// exception. The outcome is kept for the request, so a filter and its endpoint that both read
/// the form get the same answer from one read.
/// </summary>
internal static class FormBody
{
    /// <summary>The form reader's own limits, kept explicit: their overflow is what this turns into a 400.</summary>
    public const int MaxKeyLength = 2048;
    public const int MaxFields = 1024;

    private static readonly object ItemKey = new();

    public static async Task<Result<IFormCollection>> ReadAsync(HttpContext context, int maxBytes, CancellationToken cancellationToken)
    {
        if (context.Items.TryGetValue(ItemKey, out var kept) && kept is Result<IFormCollection> previous)
        {
            return previous;
        }

        var result = await ReadOnceAsync(context, maxBytes, cancellationToken);
        context.Items[ItemKey] = result;
        return result;
    }

    private static async Task<Result<IFormCollection>> ReadOnceAsync(HttpContext context, int maxBytes, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!request.HasFormContentType || request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            return Result<IFormCollection>.Fail(ErrorCodes.MalformedForm, "The body must be a form: send Content-Type: application/x-www-form-urlencoded.");
        }

        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        context.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions
        {
            KeyLengthLimit = MaxKeyLength,
            ValueCountLimit = MaxFields,
            ValueLengthLimit = maxBytes,
            BufferBody = false,
        }));
        try
        {
            return Result<IFormCollection>.Ok(await request.ReadFormAsync(cancellationToken));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes);
        }
        catch (InvalidDataException)
        {
            return Result<IFormCollection>.Fail(
                ErrorCodes.MalformedForm,
                $"The form cannot be read: at most {MaxFields} fields, names of at most {MaxKeyLength} characters, values within {maxBytes} bytes.");
        }
    }

    private static Result<IFormCollection> TooLarge(int maxBytes) =>
        Result<IFormCollection>.Fail(ErrorCodes.BodyTooLarge, $"The body is larger than {maxBytes} bytes.");
}
