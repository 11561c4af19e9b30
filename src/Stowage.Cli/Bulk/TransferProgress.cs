using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stowage.Cli.Infrastructure;

namespace Stowage.Cli.Bulk;

/// <summary>
/// Live counters of a transfer, updated by the workers without locks and read by the
/// progress bar a few times a second.
/// </summary>
public sealed class TransferMeter
{
    private long _keys;
    private long _position;

    public long Keys => Interlocked.Read(ref _keys);

    /// <summary>How far along the total: bytes of the input file, or keys.</summary>
    public long Position => Interlocked.Read(ref _position);

    public Stopwatch Elapsed { get; } = Stopwatch.StartNew();

    public void Advance(long keys = 1) => Interlocked.Add(ref _keys, keys);

    public void MoveTo(long position) => Interlocked.Exchange(ref _position, position);

    public double KeysPerSecond => Elapsed.Elapsed.TotalSeconds > 0 ? Keys / Elapsed.Elapsed.TotalSeconds : 0;
}

/// <summary>
/// A progress bar with keys/s and time left on standard error, only when it is a terminal;
/// elsewhere the work runs with no output at all (no escape codes in logs or pipes).
/// </summary>
public static class TransferProgress
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(150);

    public static async Task<T> RunAsync<T>(Terminal terminal, string description, long? total, TransferMeter meter, Func<Task<T>> work)
    {
        if (!terminal.ErrorIsTerminal)
        {
            return await work();
        }

        var progress = new Progress(terminal.ErrorConsole)
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RateColumn(meter),
                new RemainingTimeColumn());
        return await progress.StartAsync(async context =>
        {
            var task = context.AddTask(description, autoStart: true, maxValue: total is > 0 ? total.Value : 1);
            task.IsIndeterminate = total is not > 0;
            var running = work();
            while (!running.IsCompleted)
            {
                Update(task, meter, total, description);
                await Task.WhenAny(running, Task.Delay(Tick));
            }

            Update(task, meter, total, description);
            if (running.IsCompletedSuccessfully)
            {
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
            }

            task.StopTask();
            return await running;
        });
    }

    private static void Update(ProgressTask task, TransferMeter meter, long? total, string description)
    {
        task.Description = $"{description} {meter.Keys.ToString("N0", CultureInfo.InvariantCulture)} keys";
        if (total is > 0)
        {
            task.Value = Math.Min(meter.Position, total.Value);
        }
    }

    /// <summary>Keys per second since the start (the percentage may count bytes, this counts keys).</summary>
    private sealed class RateColumn(TransferMeter meter) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(meter.KeysPerSecond.ToString("N0", CultureInfo.InvariantCulture) + " keys/s", new Style(Color.Grey));
    }
}
