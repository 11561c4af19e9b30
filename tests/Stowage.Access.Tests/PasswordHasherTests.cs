namespace Stowage.Access.Tests;

public sealed class PasswordHasherTests
{
    [Fact]
    public void Hash_RecordsTheCountItWasMadeWith_AndVerifiesUnderAnotherCount()
    {
        var cheap = new PasswordHasher(PasswordHasher.MinIterations);
        var encoded = cheap.Hash("correct horse battery");

        Assert.StartsWith("pbkdf2-sha256$1000$", encoded, StringComparison.Ordinal);
        Assert.True(new PasswordHasher(2_000).Verify("correct horse battery", encoded));
        Assert.False(new PasswordHasher(2_000).Verify("correct horse battery!", encoded));
    }

    [Fact]
    public void DefaultCount_IsTheRecommendedOne()
    {
        Assert.Equal(600_000, PasswordHasher.RecommendedIterations);
        Assert.Equal(PasswordHasher.RecommendedIterations, new PasswordHasher().Iterations);
    }

    [Fact]
    public void Verify_UnknownUser_NeverMatches()
    {
        var hasher = new PasswordHasher(PasswordHasher.MinIterations);

        Assert.False(hasher.Verify(string.Empty, null));
        Assert.False(hasher.Verify("anything", null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pbkdf2-sha256$0$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$-5$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$999999999$AAAA$AAAA")]
    [InlineData("md5$1000$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$AAAA")]
    public void Verify_MalformedStoredHash_IsFalse(string encoded)
    {
        Assert.False(new PasswordHasher(PasswordHasher.MinIterations).Verify("password", encoded));
    }

    [Theory]
    [InlineData(PasswordHasher.MinIterations - 1)]
    [InlineData(PasswordHasher.MaxIterations + 1)]
    public void Constructor_CountOutOfRange_Throws(int iterations)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordHasher(iterations));
    }
}
