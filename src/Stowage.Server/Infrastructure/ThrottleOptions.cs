namespace Stowage.Server.Infrastructure;

/// <summary>
/// Limits on failed authentications (wrong client secret, wrong password), counted in a
/// sliding window per (subject, client address), where the subject is the client id or
/// username, and per client address. Only failures count; while a key is over its limit even
/// correct credentials from that address are refused until enough failures have left the
/// window, so an attacker cannot keep guessing. Nothing is counted per subject alone: the
/// real app or user, sending from another address, is never refused because of someone
/// else's failures.
/// </summary>
public sealed class ThrottleOptions
{
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Failed client authentications per (client id, address) at the token, revocation and introspection endpoints.</summary>
    public int ClientIdLimit { get; init; } = 20;

    /// <summary>Failed sign-ins per (username, address), API and console alike.</summary>
    public int UsernameLimit { get; init; } = 20;

    /// <summary>Failures per client address whatever the subject, for each of the two (OAuth clients, sign-ins).</summary>
    public int AddressLimit { get; init; } = 100;
}
