namespace Stowage.Client;

/// <summary>A token source that always returns the same token (for tokens obtained elsewhere).</summary>
public sealed class StaticTokenSource : ITokenSource
{
    private readonly string _token;

    /// <summary>Creates a source for <paramref name="token"/>.</summary>
    /// <param name="token">The bearer token, without the <c>Bearer</c> prefix.</param>
    public StaticTokenSource(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _token = token;
    }

    /// <inheritdoc />
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_token);
    }

    /// <inheritdoc />
    /// <remarks>A static token cannot be renewed, so this does nothing.</remarks>
    public void Invalidate()
    {
    }
}
