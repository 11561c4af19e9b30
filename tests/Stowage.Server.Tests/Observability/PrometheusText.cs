using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Stowage.Server.Tests.Observability;

/// <summary>One sample of a scrape: its name (with _total, _bucket, … suffixes), labels and value.</summary>
public sealed record MetricSample(string Family, string Type, string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Has(params (string Key, string Value)[] labels) => labels.All(l => Labels.TryGetValue(l.Key, out var v) && v == l.Value);
}

/// <summary>
/// Parses a /metrics answer with a real Prometheus text-format parser (Debian's
/// python3-prometheus-client, installed by scripts/test.sh), so the tests read the scrape as
/// Prometheus would and fail on anything it would refuse.
/// </summary>
public static class PrometheusText
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, math, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = []
        for family in text_string_to_metric_families(sys.stdin.read()):
            for s in family.samples:
                out.append({"family": family.name, "type": family.type, "name": s.name, "labels": s.labels,
                            "value": repr(float(s.value))})
        json.dump(out, sys.stdout)
        """;

    public static async Task<IReadOnlyList<MetricSample>> ParseAsync(string text)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"the Prometheus parser refused the scrape: {await errors}");

        using var document = JsonDocument.Parse(await output);
        return document.RootElement.EnumerateArray().Select(s => new MetricSample(
            s.GetProperty("family").GetString()!,
            s.GetProperty("type").GetString()!,
            s.GetProperty("name").GetString()!,
            s.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(s.GetProperty("value").GetString()!.Replace("inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The sum of the samples named <paramref name="name"/> carrying every one of <paramref name="labels"/>.</summary>
    public static double Sum(this IReadOnlyList<MetricSample> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && s.Has(labels)).Sum(s => s.Value);
}
