using System.Security.Cryptography;
using System.Text;
using Stowage.Core.Security;

namespace Stowage.ObjectStore.Tests;

/// <summary>The export's decryption into a buffer is bound to the same address and type as the one that allocates.</summary>
public sealed class ValueProtectorTests
{
    private static readonly PartitionAddress Partition = new(new StoreAddress("org", "env", "store"), "päge");

    private readonly AesGcmValueProtector _protector = new(new AesGcmProtector(Enumerable.Range(0, AesGcmProtector.KeySize).Select(i => (byte)i).ToArray(), 1));

    [Fact]
    public void UnprotectIntoABuffer_TheKeysOwnAddress_GivesTheValueAsTheArrayOverloadDoes()
    {
        var key = new KeyAddress(Partition, "kéy/1");
        var value = RandomNumberGenerator.GetBytes(1000);
        var sealedValue = _protector.Protect(key, ValueKind.Binary, value);
        var buffer = new byte[sealedValue.Length];

        var length = _protector.Unprotect(Partition, Encoding.UTF8.GetBytes(key.Key), ValueKind.Binary, sealedValue, buffer);

        Assert.Equal(value, buffer.AsSpan(0, length).ToArray());
        Assert.Equal(value, _protector.Unprotect(key, ValueKind.Binary, sealedValue));
    }

    [Theory]
    [InlineData("päge", "kéy/2", ValueKind.Binary)]
    [InlineData("page", "kéy/1", ValueKind.Binary)]
    [InlineData("päge", "kéy/1", ValueKind.String)]
    public void UnprotectIntoABuffer_AnotherKeyPartitionOrType_Refused(string partition, string key, ValueKind kind)
    {
        var sealedValue = _protector.Protect(new KeyAddress(Partition, "kéy/1"), ValueKind.Binary, "secret"u8);
        var buffer = new byte[sealedValue.Length];

        Assert.ThrowsAny<CryptographicException>(() =>
            _protector.Unprotect(Partition with { Partition = partition }, Encoding.UTF8.GetBytes(key), kind, sealedValue, buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }
}
