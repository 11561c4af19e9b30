using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Stowage.ObjectStore;
using Stowage.Server.Features.ObjectStore;

namespace Stowage.Benchmarks;

/// <summary>The Value shape on the wire: parsing a 1 KB write body, writing a 1 KB answer.</summary>
[MemoryDiagnoser]
public class ValueJsonBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private byte[] _stringBody = [];
    private byte[] _binaryBody = [];
    private Entry _entry = null!;

    [GlobalSetup]
    public void Setup()
    {
        var text = new string('v', 1024);
        _stringBody = Encoding.UTF8.GetBytes($"{{\"keyId\":\"k\",\"valueType\":\"STRING\",\"stringValue\":\"{text}\",\"ttlSeconds\":3600}}");
        _binaryBody = Encoding.UTF8.GetBytes($"{{\"valueType\":\"BINARY\",\"binaryValue\":\"{Convert.ToBase64String(new byte[1024])}\"}}");
        _entry = new Entry("k", new StoredValue(ValueKind.String, Encoding.UTF8.GetBytes(text)), new Expiry(DateTimeOffset.UnixEpoch.AddYears(60), 3_600_000, false), 42);
    }

    [Benchmark(Baseline = true)]
    public bool ParseStringWrite()
    {
        using var document = JsonDocument.Parse(_stringBody);
        return ValueJson.Parse(document, "k").IsSuccess;
    }

    [Benchmark]
    public bool ParseBinaryWrite()
    {
        using var document = JsonDocument.Parse(_binaryBody);
        return ValueJson.Parse(document, "k").IsSuccess;
    }

    [Benchmark]
    public int WriteValue()
    {
        _output.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_output))
        {
            ValueJson.WriteValue(writer, _entry);
        }

        return _output.WrittenCount;
    }
}
