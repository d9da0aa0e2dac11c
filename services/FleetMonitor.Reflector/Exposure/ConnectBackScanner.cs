using System.Net;
using System.Net.Sockets;
using FleetMonitor.Protocols.Exposure;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>
/// Scans one address on a list of ports: TCP by connecting (SYN-ACK open, RST closed, silence filtered), UDP with a
/// protocol payload (an answer open, ICMP port unreachable closed, silence open|filtered), at most
/// <see cref="ExposureOptions.MaxParallelProbes"/> ports at a time. It takes the address from its caller, which must be
/// the address the request came from; it never resolves or chooses one.
/// </summary>
/// <remarks>
/// UDP goes in rounds: each round sends once to every port still undecided and waits <see cref="ExposureOptions.UdpTimeoutMs"/>
/// for an answer or an ICMP error; a port silent after <see cref="ExposureOptions.UdpAttempts"/> rounds is open|filtered
/// only once a whole round decided nothing. A router that rate-limits ICMP errors (Linux by default: a burst of six per
/// destination, then one a second) answers a burst of closed ports with a few port-unreachables and the rest in later
/// rounds, one a second: the rounds go on while it does, up to the scan's time limit, so closed ports are reported
/// closed as nmap reports them. Each port keeps its connected socket across rounds, so an ICMP error or an answer that
/// arrives after its round's wait still decides the port (the kernel reports it on the next send or receive).
/// </remarks>
internal sealed class ConnectBackScanner(IOptions<ExposureOptions> options, ReflectorMetrics metrics, TimeProvider timeProvider)
{
    private readonly ExposureOptions _options = options.Value;

    /// <summary>Every port's result, in the order of <paramref name="ports"/>; those not done when the token fires are filtered (TCP) or open|filtered (UDP).</summary>
    public async Task<IReadOnlyList<ExposurePortResult>> ScanAsync(IPAddress address, IReadOnlyList<ExposurePort> ports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(ports);
        using var gate = new SemaphoreSlim(_options.MaxParallelProbes);
        var results = new ExposurePortResult[ports.Count];
        var tcp = ports.Select((port, i) => (port, i)).Where(p => p.port.Protocol == ExposurePort.Tcp).Select(async p =>
        {
            try
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    results[p.i] = await ProbeTcpAsync(new IPEndPoint(address, p.port.Port), cancellationToken);
                }
                finally
                {
                    gate.Release();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                results[p.i] = Result(p.port.Port, ExposurePort.Tcp, ExposurePortState.Filtered, "time-limit");
            }
        });
        var udp = ScanUdpAsync(address, [.. ports.Select((port, i) => (port, i)).Where(p => p.port.Protocol == ExposurePort.Udp)], results, gate, cancellationToken);
        await Task.WhenAll([.. tcp, udp]);
        foreach (var result in results)
            metrics.ExposurePortScanned(result.Protocol, result.State);
        return results;
    }

    private async Task<ExposurePortResult> ProbeTcpAsync(IPEndPoint remote, CancellationToken cancellationToken)
    {
        using var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.TcpTimeoutMs), timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                await socket.ConnectAsync(remote, linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Result(remote.Port, ExposurePort.Tcp, ExposurePortState.Filtered, "timeout");
            }
            catch (SocketException e)
            {
                return e.SocketErrorCode == SocketError.ConnectionRefused
                    ? Result(remote.Port, ExposurePort.Tcp, ExposurePortState.Closed, "reset")
                    : Result(remote.Port, ExposurePort.Tcp, ExposurePortState.Filtered, e.SocketErrorCode == SocketError.TimedOut ? "timeout" : "unreachable");
            }
        }

        var banner = await TcpBanner.ReadAsync(socket, remote, TimeSpan.FromMilliseconds(_options.BannerTimeoutMs), timeProvider, cancellationToken);
        return Result(remote.Port, ExposurePort.Tcp, ExposurePortState.Open, "syn-ack", banner);
    }

    private async Task ScanUdpAsync(
        IPAddress address, IReadOnlyList<(ExposurePort Port, int Index)> ports, ExposurePortResult[] results, SemaphoreSlim gate,
        CancellationToken cancellationToken)
    {
        var probes = new List<UdpPortProbe>();
        try
        {
            foreach (var (port, index) in ports)
            {
                var remote = new IPEndPoint(address, port.Port);
                var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                probes.Add(new UdpPortProbe(index, remote, socket));

                // Connected, so that the kernel reports the ICMP errors for this port and delivers only its answers.
                await socket.ConnectAsync(remote, cancellationToken);
                probes[^1].Payload = UdpPayload.For(remote, (IPEndPoint)socket.LocalEndPoint!);
            }

            var pending = probes;
            for (var round = 1; pending.Count > 0; round++)
            {
                var decided = await Task.WhenAll(pending.Select(probe => AttemptUdpAsync(probe, gate, cancellationToken)));
                foreach (var (probe, result) in pending.Zip(decided))
                {
                    if (result is not null)
                        results[probe.Index] = result;
                }

                var progress = decided.Any(d => d is not null);
                pending = [.. pending.Where(p => results[p.Index] is null)];
                if (round >= _options.UdpAttempts && !progress)
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var probe in probes)
            {
                results[probe.Index] ??= Result(probe.Remote.Port, ExposurePort.Udp, ExposurePortState.OpenFiltered,
                    cancellationToken.IsCancellationRequested ? "time-limit" : "no-response");
                probe.Socket.Dispose();
            }
        }
    }

    /// <summary>One round for one UDP port: send, wait for an answer or an ICMP error; null when neither came.</summary>
    private async Task<ExposurePortResult?> AttemptUdpAsync(UdpPortProbe probe, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.UdpTimeoutMs), timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var buffer = new byte[2048];
            try
            {
                await probe.Socket.SendAsync(probe.Payload!.Request, SocketFlags.None, linked.Token);
                var received = await probe.Socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token);
                return Result(probe.Remote.Port, ExposurePort.Udp, ExposurePortState.Open, "udp-response", probe.Payload.EvidenceFrom(buffer[..received]));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return Result(probe.Remote.Port, ExposurePort.Udp, ExposurePortState.Closed, "port-unreachable");
            }
            catch (SocketException)
            {
                return Result(probe.Remote.Port, ExposurePort.Udp, ExposurePortState.Filtered, "unreachable");
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private static ExposurePortResult Result(int port, string protocol, string state, string reason, string? evidence = null) => new()
    {
        Port = port,
        Protocol = protocol,
        State = state,
        Reason = reason,
        Evidence = evidence,
    };
}
