using System.Net;
using System.Net.Sockets;
using System.Text;
using FleetMonitor.Protocols.Media;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.Bench.Probes;

/// <summary>
/// The probes' peers, run in a process of their own (<c>peers</c> mode) so that their CPU time and allocations are not
/// counted as the probes': a TCP listener, an HTTP/1.1 server, a SIP UAS answering OPTIONS over UDP, a media echo,
/// and dnsmasq as the DNS resolver.
/// </summary>
internal static class Peers
{
    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        using var tcp = new TcpListener(IPAddress.Loopback, 0);
        tcp.Start(1024);
        _ = AcceptForeverAsync(tcp, cancellationToken);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var web = builder.Build();
        web.MapGet("/phone.cfg", () => Results.Text("# provisioning\n"));
        await web.StartAsync(cancellationToken);
        var httpPort = new Uri(web.Urls.First()).Port;

        using var sip = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        _ = AnswerOptionsAsync(sip, cancellationToken);
        using var media = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        _ = EchoAsync(media, cancellationToken);

        // DNS: Debian's dnsmasq as the resolver, holding the PBX domain's records.
        var dnsPort = Port(tcp.LocalEndpoint) + 1;
        using var dnsmasq = System.Diagnostics.Process.Start("dnsmasq", [
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
            "--listen-address=127.0.0.1", $"--port={dnsPort}", "--user=root", "--group=root", "--pid-file=",
            "--local=/bench.test/", "--host-record=pbx.bench.test,127.0.0.10",
            "--srv-host=_sip._udp.pbx.bench.test,pbx.bench.test,5060", "--srv-host=_sip._tcp.pbx.bench.test,pbx.bench.test,5060",
            "--srv-host=_sips._tcp.pbx.bench.test,pbx.bench.test,5061"]);

        Console.WriteLine($"ports tcp={Port(tcp.LocalEndpoint)} http={httpPort} sip={Port(sip.Client.LocalEndPoint!)} media={Port(media.Client.LocalEndPoint!)} dns={dnsPort}");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            dnsmasq.Kill();
        }
    }

    private static int Port(EndPoint endpoint) => ((IPEndPoint)endpoint).Port;

    private static async Task AcceptForeverAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            client.Dispose();
        }
    }

    private static async Task AnswerOptionsAsync(UdpClient socket, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var request = await socket.ReceiveAsync(cancellationToken);
            var lines = Encoding.ASCII.GetString(request.Buffer).Split("\r\n");
            string Header(string name) => lines.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)) ?? "";
            var response = string.Join("\r\n",
                "SIP/2.0 200 OK",
                Header("Via").Replace(";rport", $";received={request.RemoteEndPoint.Address};rport={request.RemoteEndPoint.Port}", StringComparison.Ordinal),
                Header("From"), Header("To") + ";tag=bench", Header("Call-ID"), Header("CSeq"),
                "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS", "Server: bench-uas", "Content-Length: 0", "", "");
            await socket.SendAsync(Encoding.ASCII.GetBytes(response), request.RemoteEndPoint, cancellationToken);
        }
    }

    private static async Task EchoAsync(UdpClient socket, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var request = await socket.ReceiveAsync(cancellationToken);
            if (MediaPacket.IsEchoRequest(request.Buffer))
            {
                MediaPacket.MarkEchoed(request.Buffer);
                await socket.SendAsync(request.Buffer, request.RemoteEndPoint, cancellationToken);
            }
        }
    }
}
