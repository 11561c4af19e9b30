using System.Security.Cryptography;
using System.Text;
using Stowage.Access.Tokens;
using Stowage.Core.Security;

namespace Stowage.Access.Tests.Tokens;

public sealed class SecretsTests
{
    private static readonly AesGcmProtector Key = new(RandomNumberGenerator.GetBytes(AesGcmProtector.KeySize), 1);

    [Fact]
    public void Protect_RoundTrips_AndHoldsNoPlaintext()
    {
        var protector = new AesGcmSecretProtector(Key);
        const string secret = "3fA9c0D2e4B6a8C0d2E4f6A8b0C2d4E6";
        var ciphertext = protector.Protect(secret, "client-1");

        Assert.Equal(secret, protector.Unprotect(ciphertext, "client-1"));
        Assert.True(ciphertext.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0);
        Assert.NotEqual(ciphertext, protector.Protect(secret, "client-1"));
    }

    [Fact]
    public void Unprotect_UnderAnotherClientId_Fails()
    {
        var protector = new AesGcmSecretProtector(Key);
        var ciphertext = protector.Protect("a-secret-of-at-least-32-characters!", "client-1");
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(ciphertext, "client-2"));
    }

    [Fact]
    public void Unprotect_WithAnotherKey_Fails()
    {
        var ciphertext = new AesGcmSecretProtector(Key).Protect("a-secret-of-at-least-32-characters!", "client-1");
        var other = new AesGcmSecretProtector(new AesGcmProtector(RandomNumberGenerator.GetBytes(AesGcmProtector.KeySize), 1));
        Assert.ThrowsAny<CryptographicException>(() => other.Unprotect(ciphertext, "client-1"));
    }

    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "abd", false)]
    [InlineData("abc", "abcd", false)]
    [InlineData("", "", true)]
    [InlineData("ABC", "abc", false)]
    public void Matches_ComparesExactly(string presented, string expected, bool result) =>
        Assert.Equal(result, ClientSecrets.Matches(presented, expected));
}
