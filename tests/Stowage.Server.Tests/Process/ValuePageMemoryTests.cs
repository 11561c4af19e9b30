using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace Stowage.Server.Tests.Process;

/// <summary>
/// <c>GET …/values?pageSize=1000</c> over large values, several at once, against the real server
/// process: its peak resident memory (the kernel's high-water mark, reset just before the
/// requests) must grow by a bounded amount, not by the size of the whole partition per request.
/// </summary>
[Collection(ServerProcessCollection.Name)]
public sealed class ValuePageMemoryTests(ITestOutputHelper output) : IDisposable
{
    private const int ValueCount = 60;
    private const int ValueBytes = 2 * 1024 * 1024;
    private const int ConcurrentRequests = 4;

    // 60 values of 2 MiB are 120 MiB of plaintext per request, about 160 MiB more as base64 JSON:
    // unbounded, four requests need well over a gigabyte. Bounded pages need a few MiB each.
    private const long GrowthBoundBytes = 160L * 1024 * 1024;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task ValuesListing_ConcurrentMaxPageSizeOverLargeValues_PeakMemoryGrowthBoundedAndPagingExact()
    {
        var info = new ServerStartInfo(_directory.DataDirectory);
        var written = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        using (var seeding = await ServerProcess.StartAsync(info))
        {
            // Seeded by another process, so the writes' own garbage is not in the measured heap.
            var session = await ProcessTestSupport.SignInAsync(seeding.BaseAddress);
            using var client = session.CreateClient();
            await client.PutStoreAsync(session.OrganizationId, session.EnvironmentId, "large");
            for (var i = 0; i < ValueCount; i++)
            {
                var value = RandomNumberGenerator.GetBytes(ValueBytes);
                await client.PutBinaryAsync(session.OrganizationId, session.EnvironmentId, "large", "p", $"k{i:D2}", value);
                written[$"k{i:D2}"] = value;
            }

            await seeding.StopAsync();
        }

        using var server = await ServerProcess.StartAsync(info);
        var measured = await ProcessTestSupport.SignInAsync(server.BaseAddress);
        var values = $"api/v1/organizations/{measured.OrganizationId}/environments/{measured.EnvironmentId}/stores/large/partitions/p/values";
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", measured.Token);
        Assert.Equal(HttpStatusCode.OK, (await DrainAsync(http, values + "?pageSize=1")).Status);

        ResetPeakResidentMemory(server.ProcessId);
        var baseline = StatusKilobytes(server.ProcessId, "VmHWM");
        var answers = await Task.WhenAll(Enumerable.Range(0, ConcurrentRequests).Select(_ => DrainAsync(http, values + "?pageSize=1000")));
        var growth = (StatusKilobytes(server.ProcessId, "VmHWM") - baseline) * 1024;

        output.WriteLine($"Peak resident memory growth: {growth / 1024} KiB; bodies: {string.Join(", ", answers.Select(a => a.Bytes))} bytes.");
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.True(growth < GrowthBoundBytes, $"Peak resident memory grew by {growth / (1024 * 1024)} MiB; the bound is {GrowthBoundBytes / (1024 * 1024)} MiB.");

        using var reader = measured.CreateClient();
        var listed = new List<(string Key, byte[] Value)>();
        string? token = null;
        do
        {
            var page = await reader.GetValuesPageAsync(measured.OrganizationId, measured.EnvironmentId, "large", "p", 1000, token);
            Assert.NotEmpty(page.Values);
            listed.AddRange(page.Values.Select(v => (v.KeyId!, Convert.FromBase64String(v.BinaryValue!))));
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Equal(written.Keys, listed.Select(l => l.Key));
        Assert.All(listed, l => Assert.Equal(written[l.Key], l.Value));
    }

    /// <summary>Reads the whole body without keeping it: the test's own memory is not what is measured, but it need not hold 100s of MB either.</summary>
    private static async Task<(HttpStatusCode Status, long Bytes)> DrainAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return (response.StatusCode, total);
    }

    /// <summary>Writing 5 to clear_refs sets the process's VmHWM back to its current resident size (Linux 4.0+).</summary>
    private static void ResetPeakResidentMemory(int processId) =>
        File.WriteAllText($"/proc/{processId}/clear_refs", "5");

    private static long StatusKilobytes(int processId, string field)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
