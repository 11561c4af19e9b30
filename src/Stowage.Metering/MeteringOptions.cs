namespace Stowage.Metering;

public sealed class MeteringOptions
{
    /// <summary>How often counts go to storage; a crash loses at most this much. The spec asks for at most 5 s.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(2);
}
