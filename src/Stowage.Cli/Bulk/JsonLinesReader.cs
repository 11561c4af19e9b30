using System.Buffers;

namespace Stowage.Cli.Bulk;

/// <summary>
/// Reads a file line by line as bytes, knowing the byte offset where each line ends, so an
/// import can record exactly how far it got and resume there. One line is held at a time
/// (a value is at most 10 MB as base64), whatever the size of the file.
/// </summary>
public sealed class JsonLinesReader : IDisposable
{
    private const int MaxLine = 64 * 1024 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
    private int _start;
    private int _end;
    private bool _eof;

    public JsonLinesReader(Stream stream, long startOffset)
    {
        _stream = stream;
        Offset = startOffset;
    }

    /// <summary>The byte offset just after the last line returned.</summary>
    public long Offset { get; private set; }

    /// <summary>The next line without its line end (CR LF or LF), or null at the end; valid until the next call.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                return Take(newline - _start, newline - _start + 1);
            }

            if (_eof)
            {
                // Not a conditional expression: null would convert to an empty ReadOnlyMemory through byte[].
                if (_end == _start)
                {
                    return null;
                }

                return Take(_end - _start, _end - _start);
            }

            Compact();
            if (_end == _buffer.Length)
            {
                Grow();
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
        }
    }

    /// <summary>Forgets what was read ahead; the caller has moved the stream to <paramref name="offset"/>.</summary>
    public void Restart(long offset)
    {
        (_start, _end, _eof) = (0, 0, false);
        Offset = offset;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private ReadOnlyMemory<byte> Take(int length, int consumed)
    {
        var line = _buffer.AsMemory(_start, length);
        if (line.Length > 0 && line.Span[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        _start += consumed;
        Offset += consumed;
        return line;
    }

    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }

        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        _end -= _start;
        _start = 0;
    }

    private void Grow()
    {
        if (_buffer.Length >= MaxLine)
        {
            throw new InvalidDataException($"A line is longer than {MaxLine / (1024 * 1024)} MiB; this is not a stowage export.");
        }

        var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
