using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Stowage.Client.Tests;

/// <summary>
/// Checks the request line the real socket handler writes, so no layer between the client and
/// the wire (Uri canonicalization, the handler) unescapes <c>%2F</c>.
/// </summary>
public sealed class WireRequestLineTests
{
    [Theory]
    [InlineData("a/b c+d", "a%2Fb%20c%2Bd")]
    [InlineData("..a", "..a")]
    [InlineData("%2F", "%252F")]
    [InlineData("日本", "%E6%97%A5%E6%9C%AC")]
    public async Task GetValueAsync_OverRealSocket_RequestLineKeepsEscapedKey(string key, string expectedSegment)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var requestLine = ServeOneAsync(listener, """{"keyId":"k","valueType":"STRING","stringValue":"v"}""");
        using var client = new StowageClient(new Uri($"http://127.0.0.1:{port}/"), new StaticTokenSource("t"));

        await client.GetValueAsync("o", "e", "s", "p", key);

        Assert.Equal(
            $"GET /api/v1/organizations/o/environments/e/stores/s/partitions/p/keys/{expectedSegment} HTTP/1.1",
            await requestLine);
    }

    private static async Task<string> ServeOneAsync(TcpListener listener, string json)
    {
        using var socket = await listener.AcceptTcpClientAsync();
        var stream = socket.GetStream();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var body = Encoding.UTF8.GetBytes(json);
        var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        var text = received.ToString();
        return text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
    }
}
