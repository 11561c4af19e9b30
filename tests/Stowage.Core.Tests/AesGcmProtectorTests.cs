using System.Security.Cryptography;
using System.Text;
using Stowage.Core.Security;

namespace Stowage.Core.Tests;

public sealed class AesGcmProtectorTests : IDisposable
{
    private static readonly byte[] Key = Enumerable.Range(0, AesGcmProtector.KeySize).Select(i => (byte)(i * 7)).ToArray();
    private static readonly byte[] Aad = "org/env/store/partition/key"u8.ToArray();

    private readonly AesGcmProtector _protector = new(Key, keyId: 3);

    public void Dispose() => _protector.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(1000)]
    [InlineData(1 << 20)]
    public void Unprotect_OutputOfProtect_ReturnsThePlaintext(int length)
    {
        var plaintext = RandomNumberGenerator.GetBytes(length);

        var roundTripped = _protector.Unprotect(_protector.Protect(plaintext, Aad), Aad);

        Assert.Equal(plaintext, roundTripped);
    }

    [Fact]
    public void Protect_AnyPlaintext_IsVersionKeyIdNonceCiphertextTag()
    {
        var plaintext = "hello, world"u8.ToArray();

        var output = _protector.Protect(plaintext, Aad);

        Assert.Equal(1 + 1 + 12 + plaintext.Length + 16, output.Length);
        Assert.Equal(AesGcmProtector.Overhead + plaintext.Length, output.Length);
        Assert.Equal(AesGcmProtector.FormatVersion, output[0]);
        Assert.Equal(3, output[1]);
        Assert.False(output.AsSpan(14, plaintext.Length).SequenceEqual(plaintext));
    }

    [Fact]
    public void Protect_SameInputTwice_DiffersInNonceAndCiphertext()
    {
        var plaintext = Encoding.UTF8.GetBytes(new string('a', 64));

        var first = _protector.Protect(plaintext, Aad);
        var second = _protector.Protect(plaintext, Aad);

        Assert.False(first.AsSpan(2, 12).SequenceEqual(second.AsSpan(2, 12)));
        Assert.False(first.AsSpan(14).SequenceEqual(second.AsSpan(14)));
        Assert.Equal(plaintext, _protector.Unprotect(first, Aad));
        Assert.Equal(plaintext, _protector.Unprotect(second, Aad));
    }

    [Fact]
    public void Unprotect_AnySingleBitFlipped_ThrowsCryptographicException()
    {
        var output = _protector.Protect("a value worth protecting"u8, Aad);

        // Every byte: header, nonce, ciphertext and tag are all covered.
        for (var i = 0; i < output.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])output.Clone();
                tampered[i] ^= (byte)(1 << bit);

                Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect(tampered, Aad));
            }
        }
    }

    [Fact]
    public void Unprotect_DifferentAssociatedData_ThrowsCryptographicException()
    {
        var output = _protector.Protect("v"u8, Aad);

        Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect(output, "org/env/store/partition/other"u8));
        Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect(output, ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Unprotect_LongAssociatedData_RoundTripsAndIsChecked()
    {
        // Over the stack-buffer limit, so the pooled path is taken.
        var aad = RandomNumberGenerator.GetBytes(4000);
        var output = _protector.Protect("v"u8, aad);
        var other = (byte[])aad.Clone();
        other[^1] ^= 1;

        Assert.Equal("v"u8.ToArray(), _protector.Unprotect(output, aad));
        Assert.ThrowsAny<CryptographicException>(() => _protector.Unprotect(output, other));
    }

    [Fact]
    public void Unprotect_OtherKey_ThrowsCryptographicException()
    {
        using var otherKey = new AesGcmProtector(RandomNumberGenerator.GetBytes(AesGcmProtector.KeySize), keyId: 3);
        using var otherKeyId = new AesGcmProtector(Key, keyId: 4);
        var output = _protector.Protect("v"u8, Aad);

        Assert.ThrowsAny<CryptographicException>(() => otherKey.Unprotect(output, Aad));
        Assert.Equal("The data was protected with another key.", Assert.ThrowsAny<CryptographicException>(() => otherKeyId.Unprotect(output, Aad)).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(29)]
    public void Unprotect_ShorterThanOverhead_ThrowsCryptographicException(int length)
    {
        var data = new byte[length];
        if (length > 1)
        {
            data[0] = AesGcmProtector.FormatVersion;
            data[1] = 3;
        }

        Assert.Equal("The protected data is too short.", Assert.Throws<CryptographicException>(() => _protector.Unprotect(data, Aad)).Message);
    }

    [Fact]
    public void Unprotect_TagOnly_ReturnsEmptyPlaintext()
    {
        var output = _protector.Protect(ReadOnlySpan<byte>.Empty, Aad);

        Assert.Equal(AesGcmProtector.Overhead, output.Length);
        Assert.Empty(_protector.Unprotect(output, Aad));
    }

    [Fact]
    public async Task ProtectAndUnprotect_ManyThreadsOnOneInstance_AllRoundTrip()
    {
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var plaintext = Encoding.UTF8.GetBytes($"thread {t} value {i} " + new string('x', i));
                var aad = Encoding.UTF8.GetBytes($"{t}/{i}");
                if (!_protector.Unprotect(_protector.Protect(plaintext, aad), aad).AsSpan().SequenceEqual(plaintext))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));

        Assert.Equal(0, failures);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void Constructor_KeyNot32Bytes_ThrowsArgumentException(int length)
    {
        var exception = Assert.Throws<ArgumentException>(() => new AesGcmProtector(new byte[length], 1));

        Assert.StartsWith("An AES-256 key is 32 bytes.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Protect_AfterDispose_ThrowsObjectDisposedException()
    {
        var protector = new AesGcmProtector(Key, 1);
        protector.Dispose();

        Assert.Throws<ObjectDisposedException>(() => protector.Protect("v"u8, Aad));
    }
}
