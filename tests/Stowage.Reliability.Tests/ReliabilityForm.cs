using System.Globalization;

namespace Stowage.Reliability.Tests;

/// <summary>
/// Which form of the suite runs. The short form is part of every test run (CI included) and
/// keeps to a few minutes; STOWAGE_RELIABILITY=long (what bench/reliability sets) selects the
/// long form: 200 crash cycles, 100 000 fuzzed requests and the 10-minute soak.
/// </summary>
internal static class ReliabilityForm
{
    public const string Variable = "STOWAGE_RELIABILITY";

    public static bool IsLong { get; } =
        string.Equals(Environment.GetEnvironmentVariable(Variable), "long", StringComparison.OrdinalIgnoreCase);

    public static string Name => IsLong ? "long" : "short";

    /// <summary>The short or long figure, or the named environment variable's whole number when set (to replay or scale one part).</summary>
    public static int Pick(int shortForm, int longForm, string? overrideVariable = null) =>
        overrideVariable is not null && Environment.GetEnvironmentVariable(overrideVariable) is { Length: > 0 } text
            ? int.Parse(text, CultureInfo.InvariantCulture)
            : IsLong ? longForm : shortForm;

    /// <summary>A fixed seed from <paramref name="variable"/>, or a fresh one (printed by the test, so a failure can be replayed).</summary>
    public static int Seed(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text
            ? int.Parse(text, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
}

/// <summary>A test that only the long form runs; the short form reports it as skipped.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LongFormFactAttribute : FactAttribute
{
    public LongFormFactAttribute()
    {
        if (!ReliabilityForm.IsLong)
        {
            Skip = $"long form only ({ReliabilityForm.Variable}=long, or bench/reliability)";
        }
    }
}
