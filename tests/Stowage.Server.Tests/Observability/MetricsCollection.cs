namespace Stowage.Server.Tests.Observability;

/// <summary>
/// The /metrics tests run alone: OpenTelemetry's meter listener hears every meter named
/// "Stowage*" in the process, so counters without a store label (tokens, writer batches) would
/// otherwise move with other tests' traffic and no exact difference could be asserted.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics scrape";
}
