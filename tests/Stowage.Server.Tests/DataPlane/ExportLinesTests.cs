using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Stowage.ObjectStore;
using Stowage.Server.Features.ObjectStore;

namespace Stowage.Server.Tests.DataPlane;

/// <summary>
/// The export's line writer: lines written into pooled pieces of 64 KiB and sent piece by
/// piece, a line longer than a piece in an array of its own; what reaches the answer is the
/// lines, whole and in order, whatever the pieces.
/// </summary>
public sealed class ExportLinesTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 12, 7, 22, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task SendAsync_ManyLinesAndOneLargerThanAPiece_EachLineWholeInOrder_NoWriteLargerThanAPieceButTheLargeLine()
    {
        var large = new string('x', 3 * ExportPieces.Bytes);
        var expected = new List<(string Partition, string Key, string Value)>();
        var answer = new RecordingWriter();
        using (var lines = new ExportEndpoints.ExportLines())
        {
            // Two chunks, as an export sends them: each sent before the next is written.
            for (var chunk = 0; chunk < 2; chunk++)
            {
                for (var i = 0; i < 1500; i++)
                {
                    var value = i == 700 && chunk == 1 ? large : $"value {chunk}/{i} \"quoted\" é {new string('v', i % 200)}";
                    var (partition, key) = (chunk == 0 ? "p" : "q/ü", $"key-{chunk}-{i:D5}");
                    Write(lines, partition, key, value);
                    expected.Add((partition, key, value));
                }

                await lines.SendAsync(answer, CancellationToken.None);
            }
        }

        var text = Encoding.UTF8.GetString(answer.Bytes.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var received = text.TrimEnd('\n').Split('\n').Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return (root.GetProperty("partition").GetString()!, root.GetProperty("key").GetString()!, root.GetProperty("stringValue").GetString()!);
        }).ToList();
        Assert.Equal(expected, received);

        // More than one piece a chunk, none above 64 KiB but the one holding the large line.
        Assert.True(answer.Writes.Count > 4, $"{answer.Writes.Count} writes");
        Assert.Single(answer.Writes, w => w > ExportPieces.Bytes);
        Assert.All(answer.Writes, w => Assert.True(w > 0));
    }

    [Fact]
    public async Task SendAsync_NothingWritten_SendsNothing()
    {
        var answer = new RecordingWriter();
        using var lines = new ExportEndpoints.ExportLines();

        await lines.SendAsync(answer, CancellationToken.None);

        Assert.Empty(answer.Writes);
        Assert.Equal(0, lines.PayloadBytes);
    }

    [Fact]
    public void Dispose_WithUnsentLinesAcrossPieces_IsHarmlessTwiceAndKeepsThePayloadCount()
    {
        var lines = new ExportEndpoints.ExportLines();
        for (var i = 0; i < 2000; i++)
        {
            Write(lines, "p", $"k{i}", new string('v', 100));
        }

        lines.Dispose();
        lines.Dispose();
        Assert.Equal(2000 * 100, lines.PayloadBytes);
    }

    private static void Write(ExportEndpoints.ExportLines lines, string partition, string key, string value) =>
        lines.Write(new ExportedEntry(partition, Encoding.UTF8.GetBytes(key), ValueKind.String, encrypted: false, Encoding.UTF8.GetBytes(value), Expiry));

    /// <summary>An answer that keeps what is written and the size of each write.</summary>
    private sealed class RecordingWriter : PipeWriter
    {
        public MemoryStream Bytes { get; } = new();

        public List<int> Writes { get; } = [];

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            Writes.Add(source.Length);
            Bytes.Write(source.Span);
            return ValueTask.FromResult(new FlushResult(isCanceled: false, isCompleted: false));
        }

        public override void Advance(int bytes) => throw new NotSupportedException();

        public override Memory<byte> GetMemory(int sizeHint = 0) => throw new NotSupportedException();

        public override Span<byte> GetSpan(int sizeHint = 0) => throw new NotSupportedException();

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new FlushResult(isCanceled: false, isCompleted: false));
    }
}
