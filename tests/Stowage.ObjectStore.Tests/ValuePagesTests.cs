namespace Stowage.ObjectStore.Tests;

public sealed class ValuePagesTests
{
    [Theory]
    [InlineData(new long[] { }, 25, 100, 0)]
    [InlineData(new long[] { 10, 10, 10 }, 25, 100, 3)]
    [InlineData(new long[] { 10, 10, 10 }, 2, 100, 2)]
    [InlineData(new long[] { 50, 50, 1 }, 25, 100, 2)]
    [InlineData(new long[] { 50, 49, 1, 1 }, 25, 100, 3)]
    [InlineData(new long[] { 500, 1 }, 25, 100, 1)]
    [InlineData(new long[] { 1, 500, 1 }, 25, 100, 1)]
    [InlineData(new long[] { 0, 0, 0 }, 2, 0, 2)]
    public void Fit_SizesLimitAndBound_TakesWhatFitsAndAlwaysOne(long[] sizes, int limit, long maxBytes, int expected)
    {
        Assert.Equal(expected, ValuePages.Fit(sizes, limit, maxBytes));
    }
}
