namespace Stowage.Client;

/// <summary>
/// Supplies the bearer token that <see cref="StowageClient"/> sends. Implementations cache the
/// token and must be safe to call from several threads at once.
/// </summary>
public interface ITokenSource
{
    /// <summary>Returns a token that is valid now, fetching a new one when needed.</summary>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The bearer token, without the <c>Bearer</c> prefix.</returns>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets the cached token, so the next <see cref="GetTokenAsync"/> fetches a new one.
    /// Called by the client when the server answers 401.
    /// </summary>
    void Invalidate();
}
