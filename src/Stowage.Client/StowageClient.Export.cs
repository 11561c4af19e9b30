namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>
    /// Opens an export of a store, or of one partition (<c>GET …/stores/{store}/export</c>, ext):
    /// every live key as one line of JSON Lines,
    /// <c>{"partition":…,"key":…,"valueType":…,"stringValue"|"numberValue"|"binaryValue":…,"expiresAt":…}</c>,
    /// each ending with a line feed, streamed as the server reads the store. A missing store or
    /// partition throws here; a failure later cuts the stream, and reading it then throws an
    /// <see cref="IOException"/> (an export that reads to its end without one is whole).
    /// </summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="environmentId">The environment id.</param>
    /// <param name="storeId">The store id.</param>
    /// <param name="partition">Only this partition; every partition when null.</param>
    /// <param name="cancellationToken">Cancels the call (not the reading of the stream, which takes its own).</param>
    /// <returns>The lines as they arrive; disposing it ends the request.</returns>
    public async Task<Stream> OpenExportAsync(
        string organizationId, string environmentId, string storeId, string? partition = null, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, StowagePaths.Export(organizationId, environmentId, storeId, partition), body: null, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ResponseStream(response, stream);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>A response's body that ends its response when disposed.</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
