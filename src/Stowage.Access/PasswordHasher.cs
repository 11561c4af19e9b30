using System.Globalization;
using System.Security.Cryptography;

namespace Stowage.Access;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a 128-bit random salt, encoded as
/// <c>pbkdf2-sha256$iterations$salt$hash</c>. New hashes use <see cref="Iterations"/>
/// (<see cref="RecommendedIterations"/>, the OWASP 2023 floor, unless configured otherwise);
/// a stored hash is checked with the count it was made with, so the cost can change without
/// locking anyone out.
/// </summary>
public sealed class PasswordHasher
{
    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int RecommendedIterations = 600_000;

    /// <summary>The lowest count a server accepts (for test installations; see docs/configuration.md).</summary>
    public const int MinIterations = 1_000;

    /// <summary>The highest count a server accepts (about a minute per sign-in on a slow core).</summary>
    public const int MaxIterations = 100_000_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const string Scheme = "pbkdf2-sha256";

    private readonly Lazy<string> _dummyHash;

    public PasswordHasher(int iterations = RecommendedIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        Iterations = iterations;
        _dummyHash = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));
    }

    /// <summary>The count new hashes are made with.</summary>
    public int Iterations { get; }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>
    /// Whether <paramref name="password"/> matches <paramref name="encoded"/>. A null
    /// <paramref name="encoded"/> (an unknown user) is checked against a hash of a random
    /// password made with <see cref="Iterations"/>, so it costs the same time as a known user
    /// and never matches.
    /// </summary>
    public bool Verify(string password, string? encoded)
    {
        var parts = (encoded ?? _dummyHash.Value).Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations is < 1 or > MaxIterations)
        {
            return false;
        }

        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && encoded is not null;
    }
}
