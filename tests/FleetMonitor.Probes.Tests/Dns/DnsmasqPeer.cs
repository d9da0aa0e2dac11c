using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FleetMonitor.Probes.Tests.Support;

namespace FleetMonitor.Probes.Tests.Dns;

/// <summary>
/// dnsmasq (Debian package dnsmasq-base) in the foreground on 127.0.0.1 as the resolver for the zone <c>fleet.test</c>,
/// which it alone knows (no upstream, no /etc/hosts), and forwarding <c>upstream-broken.test</c> to a server that
/// answers SERVFAIL. Names:
/// <list type="bullet">
/// <item><c>pbx.fleet.test</c>: A, AAAA, and SRV for _sip._udp (two targets), _sip._tcp and _sips._tcp.</item>
/// <item><c>partial.fleet.test</c>: A and only the _sip._udp SRV record.</item>
/// <item><c>srvonly.fleet.test</c>: the three SRV records, no address of its own.</item>
/// <item><c>dangling.fleet.test</c>: A and a _sip._udp SRV record whose target has no address.</item>
/// <item>any other name under fleet.test: NXDOMAIN.</item>
/// </list>
/// </summary>
public sealed class DnsmasqPeer : IAsyncLifetime
{
    // Ends early when dnsmasq listens or exits; the bound only matters on a busy machine.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private ServfailUpstream? _upstream;
    private PeerProcess? _process;

    public int Port { get; private set; }

    /// <summary>The <c>resolver</c> parameter that points the probe at this dnsmasq.</summary>
    public string Resolver => $"127.0.0.1:{Port}";

    public string Log => _process?.Log ?? "";

    public async Task InitializeAsync()
    {
        var binary = PeerProcess.Require("dnsmasq", "dnsmasq-base");
        _upstream = ServfailUpstream.Start();

        // A port another process takes between choosing and binding makes dnsmasq exit: choose again.
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPorts.FreeUdpAndTcp();
            var process = PeerProcess.Start(binary, Arguments(_upstream.Port));
            if (await ListeningAsync(process))
            {
                _process = process;
                return;
            }

            var log = process.Log;
            await process.DisposeAsync();
            if (attempt == 3)
                throw new InvalidOperationException($"dnsmasq did not start listening on 127.0.0.1:{Port}:\n{log}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
            await _process.DisposeAsync();
        if (_upstream is not null)
            await _upstream.DisposeAsync();
    }

    private string[] Arguments(int upstreamPort) =>
    [
        "--keep-in-foreground",
        "--conf-file=/dev/null",
        "--no-resolv",
        "--no-hosts",
        "--no-poll",
        "--bind-interfaces",
        "--listen-address=127.0.0.1",
        $"--port={Port}",
        "--user=root",
        "--group=root",
        "--pid-file=",
        "--log-facility=-",
        "--log-queries",
        "--local=/fleet.test/",
        "--host-record=pbx.fleet.test,127.0.0.10,fd00::10",
        "--host-record=sip1.pbx.fleet.test,127.0.0.11",
        "--host-record=sip2.pbx.fleet.test,127.0.0.12",
        "--srv-host=_sip._udp.pbx.fleet.test,sip1.pbx.fleet.test,5060,10,60",
        "--srv-host=_sip._udp.pbx.fleet.test,sip2.pbx.fleet.test,5060,20,40",
        "--srv-host=_sip._tcp.pbx.fleet.test,sip1.pbx.fleet.test,5060,10,100",
        "--srv-host=_sips._tcp.pbx.fleet.test,sip1.pbx.fleet.test,5061,10,100",
        "--host-record=partial.fleet.test,127.0.0.20",
        "--srv-host=_sip._udp.partial.fleet.test,partial.fleet.test,5060,0,0",
        "--srv-host=_sip._udp.srvonly.fleet.test,sip1.pbx.fleet.test,5060,0,0",
        "--srv-host=_sip._tcp.srvonly.fleet.test,sip1.pbx.fleet.test,5060,0,0",
        "--srv-host=_sips._tcp.srvonly.fleet.test,sip1.pbx.fleet.test,5061,0,0",
        "--host-record=dangling.fleet.test,127.0.0.30",
        "--srv-host=_sip._udp.dangling.fleet.test,gone.fleet.test,5060,0,0",
        $"--server=/upstream-broken.test/127.0.0.1#{upstreamPort}",
    ];

    private async Task<bool> ListeningAsync(PeerProcess process)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout && !process.HasExited)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }
}
