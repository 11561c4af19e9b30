using System.Net;
using System.Net.Sockets;

namespace Stowage.Testing.Postgres;

/// <summary>Ports for servers the tests start themselves (PostgreSQL, haproxy).</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A loopback port nobody listens on right now, below the kernel's ephemeral range (32768
    /// and up), so no outgoing connection takes it meanwhile.
    /// </summary>
    public static int FreeBelowEphemeral()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free loopback port below 32768");
    }
}
