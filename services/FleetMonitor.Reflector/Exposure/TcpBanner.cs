using System.Net;
using System.Net.Sockets;
using System.Text;
using FleetMonitor.Protocols.Sip;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>
/// What an open TCP port says about itself within a short time: an HTTP server's status line and Server header (after
/// a HEAD request), a SIP server's Server header (after OPTIONS), or the first line a server-first protocol sends
/// (SSH, telnet). TLS ports are not read: a plain request there proves nothing more than the handshake did.
/// </summary>
internal static class TcpBanner
{
    private const int MaxBytes = 4096;

    private static readonly HashSet<int> HttpPorts = [80, 5000, 7547, 8000, 8080];
    private static readonly HashSet<int> TlsPorts = [443, 5061, 8443];

    public static async Task<string?> ReadAsync(Socket socket, IPEndPoint remote, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (TlsPorts.Contains(remote.Port))
            return null;
        using var limit = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var buffer = new byte[MaxBytes];
        var count = 0;
        try
        {
            SipOptionsRequest? sip = null;
            if (HttpPorts.Contains(remote.Port))
            {
                var host = remote.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{remote.Address}]" : remote.Address.ToString();
                await socket.SendAsync(Encoding.ASCII.GetBytes($"HEAD / HTTP/1.0\r\nHost: {host}\r\nUser-Agent: FleetMonitor-Reflector/1.0\r\n\r\n"), SocketFlags.None, linked.Token);
            }
            else if (remote.Port == 5060)
            {
                sip = SipOptionsRequest.Create(new SipTarget(remote.Address.ToString(), remote.Port), SipTransport.Tcp, (IPEndPoint)socket.LocalEndPoint!);
                await socket.SendAsync(sip.ToBytes(), SocketFlags.None, linked.Token);
            }

            while (count < buffer.Length)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None, linked.Token);
                if (read == 0)
                    break;
                count += read;
                if (sip is not null)
                {
                    var parsed = SipResponseParser.ParseStream(buffer.AsSpan(0, count));
                    if (parsed.Status != SipParseStatus.Incomplete)
                        return UdpPayload.SipEvidence(parsed.Response, buffer[..count]);
                }
                else if (HttpPorts.Contains(remote.Port) ? buffer.AsSpan(0, count).IndexOf("\r\n\r\n"u8) >= 0 : buffer.AsSpan(0, count).IndexOf((byte)'\n') >= 0)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return HttpPorts.Contains(remote.Port) ? HttpEvidence(buffer.AsSpan(0, count)) : Evidence.FirstLine(buffer.AsSpan(0, count));
    }

    private static string? HttpEvidence(ReadOnlySpan<byte> data)
    {
        var text = Encoding.ASCII.GetString(data);
        var lines = text.Split("\r\n");
        var server = lines.Skip(1).TakeWhile(l => l.Length > 0)
            .FirstOrDefault(l => l.StartsWith("Server:", StringComparison.OrdinalIgnoreCase));
        return Evidence.Join(Evidence.Printable(lines[0]), Evidence.Printable(server));
    }
}
