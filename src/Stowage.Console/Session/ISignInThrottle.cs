namespace Stowage.Console.Session;

/// <summary>
/// The sign-in throttle shared with <c>POST /accounts/login</c>, so the console is no way
/// around it. The server supplies the implementation.
/// </summary>
public interface ISignInThrottle
{
    /// <summary>Seconds to wait when the username or address has too many recent failures; null when free to try.</summary>
    TimeSpan? Blocked(string username, string? address);

    /// <summary>Counts a failed sign-in against the username and the address.</summary>
    void RecordFailure(string username, string? address);
}
