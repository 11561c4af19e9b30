using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Stowage.Core.Paging;
using Stowage.ObjectStore;
using Stowage.Server.Infrastructure;

namespace Stowage.Benchmarks;

/// <summary>
/// What every data-plane request does with its address before any storage: find a segment of
/// the raw target, percent-decode it, check the key; and the paging token.
/// </summary>
[MemoryDiagnoser]
public class KeyEncodingBenchmarks
{
    private const string RawTarget = "/api/v1/organizations/0b6f5c1e-2b1d-4d0b-9a52-2f0f3f6c9d11/environments/7e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b/stores/orders/partitions/default/keys/";

    private string _plainKey = "order-0000042";
    private string _encodedKey = "order%2F42%20shipped%2Bpaid%E2%9C%93";
    private string _token = PageToken.Encode('k', "k0900000");
    private DefaultHttpContext _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        _request = new DefaultHttpContext();
        _request.Features.Get<IHttpRequestFeature>()!.RawTarget = RawTarget + _plainKey;
    }

    [Benchmark(Baseline = true)]
    public bool DecodePlainKey() => RawPath.TryDecode(_plainKey, out _);

    [Benchmark]
    public bool DecodePercentEncodedKey() => RawPath.TryDecode(_encodedKey, out _);

    [Benchmark]
    public string FindKeySegment() => RawPath.Segment(_request, 11);

    [Benchmark]
    public object? CheckKey() => Names.CheckKey(_plainKey);

    [Benchmark]
    public string EncodePageToken() => PageToken.Encode('k', _plainKey);

    [Benchmark]
    public string? DecodePageToken() => PageToken.Decode('k', _token).Value;
}
