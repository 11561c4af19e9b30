using System.Diagnostics;
using Stowage.Core.Errors;
using Stowage.Core.Storage;

namespace Stowage.Storage.Postgres.Tests;

/// <summary>
/// The deadline bounds a request as a whole (<see cref="RequestStart"/>): operations that each
/// answer within the deadline but together exceed it still end in a 503, while work outside a
/// request, or that outlives one, keeps a deadline per operation.
/// </summary>
public sealed class RequestDeadlineTests
{
    private const int DeadlineSeconds = 2;

    [Fact]
    public async Task SeveralSlowOperations_InOneRequest_TheRequestGetsItsAnswerWithinOneDeadline()
    {
        await using var migrated = await MigratedDatabase.CreateAsync();
        await using var database = new PostgresDatabase(new PostgresStorageOptions { ConnectionString = migrated.ConnectionString, OperationTimeoutSeconds = DeadlineSeconds });

        // Each read alone answers in 0.4 s, well within the deadline; ten of them would take 4 s.
        // A read that waits a second or more marks the database silent, so each stays well
        // under that even on a busy machine: the one cut short must say nothing about the database.
        var waited = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
        {
            using var request = RequestStart.Begin();
            for (var i = 0; i < 10; i++)
            {
                await SleepAsync(database, 0.4);
            }
        });

        Assert.Contains("did not answer within the request's 2 s", failure.Message);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(DeadlineSeconds + 1.5), $"answered after {waited.Elapsed.TotalSeconds:F1} s");

        // The cut-short read said nothing about the database: the next request is served.
        using (RequestStart.Begin())
        {
            Assert.Equal(1, await SleepAsync(database, 0));
        }
    }

    [Fact]
    public async Task OutsideARequest_EachOperationHasItsOwnDeadline()
    {
        await using var migrated = await MigratedDatabase.CreateAsync();
        await using var database = new PostgresDatabase(new PostgresStorageOptions { ConnectionString = migrated.ConnectionString, OperationTimeoutSeconds = DeadlineSeconds });

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1, await SleepAsync(database, 1.2));
        }
    }

    [Fact]
    public async Task WorkThatOutlivesItsRequest_IsNoLongerBoundByIt()
    {
        await using var migrated = await MigratedDatabase.CreateAsync();
        await using var database = new PostgresDatabase(new PostgresStorageOptions { ConnectionString = migrated.ConnectionString, OperationTimeoutSeconds = DeadlineSeconds });

        // A loop started during a request captures its context, as a service made lazily by
        // the request's first use does; once the request ends, the loop keeps per-operation deadlines.
        Task<int> loop;
        var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (RequestStart.Begin())
        {
            loop = Task.Run(async () =>
            {
                await requestEnded.Task;
                await Task.Delay(TimeSpan.FromSeconds(DeadlineSeconds + 0.5));
                return await SleepAsync(database, 0);
            });
        }

        requestEnded.SetResult();
        Assert.Equal(1, await loop);
    }

    [Fact]
    public async Task Writes_InOneRequest_ShareTheRequestsDeadline()
    {
        await using var migrated = await MigratedDatabase.CreateAsync();
        await using var database = new PostgresDatabase(new PostgresStorageOptions { ConnectionString = migrated.ConnectionString, OperationTimeoutSeconds = DeadlineSeconds });

        await Assert.ThrowsAsync<StorageUnavailableException>(async () =>
        {
            using var request = RequestStart.Begin();
            for (var i = 0; i < 5; i++)
            {
                await database.WriteAsync(async (connection, transaction, ct) =>
                {
                    await using var sleep = new Npgsql.NpgsqlCommand("SELECT pg_sleep(0.8)", connection, transaction);
                    await sleep.ExecuteNonQueryAsync(ct);
                    return 0;
                }, CancellationToken.None);
            }
        });
    }

    private static Task<int> SleepAsync(PostgresDatabase database, double seconds) =>
        database.ReadAsync(async (connection, ct) =>
        {
            await using var sleep = new Npgsql.NpgsqlCommand($"SELECT 1 FROM pg_sleep({seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)})", connection);
            return (int)(await sleep.ExecuteScalarAsync(ct))!;
        }, CancellationToken.None);
}
