namespace Stowage.Server.Infrastructure;

/// <summary>
/// Limits on failed authentications (wrong client secret, wrong password), counted in a
/// sliding window per subject (client id or username) and per client address. Only failures
/// count; while a key is over its limit even correct credentials are refused until enough
/// failures have left the window, so an attacker cannot keep guessing and the real owner gets
/// back in by waiting, never locked out for good.
/// </summary>
public sealed class ThrottleOptions
{
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Failed client authentications per client id (token, revocation and introspection endpoints).</summary>
    public int ClientIdLimit { get; init; } = 20;

    /// <summary>Failed sign-ins per username.</summary>
    public int UsernameLimit { get; init; } = 20;

    /// <summary>Failures per client address, for each of the two (OAuth clients, sign-ins).</summary>
    public int AddressLimit { get; init; } = 100;
}
