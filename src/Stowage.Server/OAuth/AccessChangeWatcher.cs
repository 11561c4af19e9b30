using Stowage.Access.Tokens;

namespace Stowage.Server.OAuth;

/// <summary>
/// Follows the access change log every <see cref="Interval"/> (one small query per node),
/// so revocations, disabled or deleted apps, secret resets and removed assignments made on
/// any node sharing the database are in force here well within a second. Starts before the
/// server accepts requests, with the revoked tokens loaded.
/// </summary>
internal sealed class AccessChangeWatcher(
    AccessChangeFollower follower,
    RevokedTokenSet revoked,
    OAuthKeys keys,
    TimeProvider time,
    ILogger<AccessChangeWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Taking the keys here reads (or makes) them at start, so a bad key file stops the
        // start with one clear line instead of failing the first token request.
        OAuthLog.SigningKeyLoaded(logger, keys.SigningKey.KeyId);
        await follower.StartAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        var lastPrune = Environment.TickCount64;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await follower.PollAsync(stoppingToken);
                if (failing)
                {
                    failing = false;
                    OAuthLog.ChangeFeedRecovered(logger);
                }

                if (Environment.TickCount64 - lastPrune > PruneEvery.TotalMilliseconds)
                {
                    lastPrune = Environment.TickCount64;
                    revoked.Prune(time.GetUtcNow());
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Logged once per outage; until it ends, token checks bypass the caches.
                if (!failing)
                {
                    failing = true;
                    OAuthLog.ChangeFeedFailed(logger, ex);
                }
            }

            try
            {
                // Real time on purpose: a test's fake clock must not stop the node following changes.
                await Task.Delay(Interval, TimeProvider.System, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
