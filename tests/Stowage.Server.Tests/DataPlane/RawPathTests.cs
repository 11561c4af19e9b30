using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Tests.DataPlane;

/// <summary>One segment of the raw request target, found where it lies and decoded exactly.</summary>
public sealed class RawPathTests
{
    private const string KeyPath = "/api/v1/organizations/o/environments/e/stores/s%20x/partitions/p%25/keys/a%2Fb";

    [Theory]
    [InlineData(KeyPath, 0, "api")]
    [InlineData(KeyPath, 7, "s x")]
    [InlineData(KeyPath, 9, "p%")]
    [InlineData(KeyPath, 11, "a/b")]
    [InlineData(KeyPath, 12, "")]
    [InlineData(KeyPath + "?pageSize=5", 11, "a/b")]
    [InlineData("/a//b///c/", 1, "b")]
    [InlineData("/a//b///c/", 2, "c")]
    [InlineData("/a//b///c/", 3, "")]
    [InlineData("/k/%C3%BCmlaut", 1, "ümlaut")]
    [InlineData("/k/%zz", 1, "%zz")]
    [InlineData("http://host:8080/x/y?q=1", 1, "y")]
    [InlineData("/", 0, "")]
    public void Segment_ReturnsTheDecodedSegmentAtItsIndex(string target, int index, string expected)
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;

        Assert.Equal(expected, RawPath.Segment(context, index));
    }

    [Fact]
    public void Segment_WithTheSameTextAsTheRouteValue_IsTheRouteValueItself()
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/k/plain-key";
        var routed = new string("plain-key".AsSpan());
        context.Request.RouteValues["key"] = routed;

        Assert.Same(routed, RawPath.Segment(context, 1, "key"));
    }

    [Theory]
    [InlineData("/k/a%2Fb", "a%2Fb", "a/b")]
    [InlineData("/k/a%252F", "a%2F", "a%2F")]
    [InlineData("/k/%C3%BC", "\u00fc", "\u00fc")]
    [InlineData("/k/raw", "other", "raw")]
    [InlineData("/k/raw", null, "raw")]
    public void Segment_WhenTheRouteValueIsNotTheSegmentsText_DecodesTheRawSegment(string target, string? routed, string expected)
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        if (routed is not null)
        {
            context.Request.RouteValues["key"] = routed;
        }

        Assert.Equal(expected, RawPath.Segment(context, 1, "key"));
    }
}
