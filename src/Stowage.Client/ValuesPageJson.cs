using System.Buffers;
using System.Net;
using System.Text.Json;

namespace Stowage.Client;

/// <summary>
/// A page of values as the server sent it: each value's JSON object as UTF-8, unparsed, for a
/// caller that passes values on (an export writes them out) rather than uses them, and so
/// need not turn every value into strings and back. The bytes live in a pooled buffer that
/// <see cref="Dispose"/> gives back: the slices of <see cref="Values"/> are valid until then.
/// </summary>
public sealed class ValuesPageJson : IDisposable
{
    // The server's pages stay under about 4 MiB (cli.md); far past that, the answer is not a page.
    private const int MaxPageBytes = 64 * 1024 * 1024;

    private byte[]? _buffer;

    private ValuesPageJson(byte[] buffer, IReadOnlyList<ReadOnlyMemory<byte>> values, string? nextPageToken)
    {
        _buffer = buffer;
        Values = values;
        NextPageToken = nextPageToken;
    }

    /// <summary>Each value of the page, in key order: the bytes of its JSON object (a <c>ValueDto</c>).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Values { get; }

    /// <summary>The token of the next page; null on the last page.</summary>
    public string? NextPageToken { get; }

    /// <summary>Gives the page's buffer back to the pool; the slices of <see cref="Values"/> are no longer valid.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a values page from <paramref name="body"/> and finds its values' objects, checking the page's shape.</summary>
    internal static async Task<ValuesPageJson> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= MaxPageBytes)
                    {
                        throw Malformed();
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            var (values, next) = Index(buffer, length);
            var page = new ValuesPageJson(buffer, values, next);
            buffer = null;
            return page;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static (List<ReadOnlyMemory<byte>> Values, string? Next) Index(byte[] buffer, int length)
    {
        var values = new List<ReadOnlyMemory<byte>>();
        string? next = null;
        try
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), isFinalBlock: true, state: default);
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("values"u8))
                {
                    Expect(reader.Read() && reader.TokenType == JsonTokenType.StartArray);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        Expect(reader.TokenType == JsonTokenType.StartObject);
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        values.Add(buffer.AsMemory(start, (int)reader.BytesConsumed - start));
                    }
                }
                else if (reader.ValueTextEquals("nextPageToken"u8))
                {
                    Expect(reader.Read() && reader.TokenType is JsonTokenType.String or JsonTokenType.Null);
                    next = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Skip();
                }
            }

            Expect(reader.TokenType == JsonTokenType.EndObject && !reader.Read());
        }
        catch (JsonException)
        {
            throw Malformed();
        }

        return (values, string.IsNullOrEmpty(next) ? null : next);
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw Malformed();
        }
    }

    private static StowageApiException Malformed() =>
        new(HttpStatusCode.OK, code: null, "The server answered with a malformed values page.");
}
