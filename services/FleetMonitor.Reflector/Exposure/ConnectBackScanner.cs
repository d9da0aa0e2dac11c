using System.Net;
using System.Net.Sockets;
using FleetMonitor.Probes.Exposure;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>
/// Scans one address on a list of ports: TCP by connecting (SYN-ACK open, RST closed, silence filtered), UDP with a
/// protocol payload (an answer open, ICMP port unreachable closed, silence open|filtered), at most
/// <see cref="ExposureOptions.MaxParallelProbes"/> ports at a time. It takes the address from its caller, which must be
/// the address the request came from; it never resolves or chooses one.
/// </summary>
internal sealed class ConnectBackScanner(IOptions<ExposureOptions> options, ReflectorMetrics metrics, TimeProvider timeProvider)
{
    private readonly ExposureOptions _options = options.Value;

    /// <summary>Every port's result, in the order of <paramref name="ports"/>; those not done when the token fires are filtered (TCP) or open|filtered (UDP).</summary>
    public async Task<IReadOnlyList<ExposurePortResult>> ScanAsync(IPAddress address, IReadOnlyList<ExposurePort> ports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(ports);
        using var gate = new SemaphoreSlim(_options.MaxParallelProbes);
        var results = await Task.WhenAll(ports.Select(async port =>
        {
            try
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    return await ProbeAsync(new IPEndPoint(address, port.Port), port.Protocol, cancellationToken);
                }
                finally
                {
                    gate.Release();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Result(port.Port, port.Protocol, port.Protocol == ExposurePort.Tcp ? ExposurePortState.Filtered : ExposurePortState.OpenFiltered, "time-limit");
            }
        }));
        foreach (var result in results)
            metrics.ExposurePortScanned(result.Protocol, result.State);
        return results;
    }

    private Task<ExposurePortResult> ProbeAsync(IPEndPoint remote, string protocol, CancellationToken cancellationToken) =>
        protocol == ExposurePort.Tcp ? ProbeTcpAsync(remote, cancellationToken) : ProbeUdpAsync(remote, cancellationToken);

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

    private async Task<ExposurePortResult> ProbeUdpAsync(IPEndPoint remote, CancellationToken cancellationToken)
    {
        using var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);

        // Connected, so that the kernel reports the ICMP errors for this port and delivers only its answers.
        await socket.ConnectAsync(remote, cancellationToken);
        var payload = UdpPayload.For(remote, (IPEndPoint)socket.LocalEndPoint!);
        var buffer = new byte[2048];
        for (var attempt = 0; attempt < _options.UdpAttempts; attempt++)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.UdpTimeoutMs), timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await socket.SendAsync(payload.Request, SocketFlags.None, linked.Token);
                var received = await socket.ReceiveAsync(buffer, SocketFlags.None, linked.Token);
                return Result(remote.Port, ExposurePort.Udp, ExposurePortState.Open, "udp-response", payload.EvidenceFrom(buffer[..received]));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // No answer within this attempt: send again.
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return Result(remote.Port, ExposurePort.Udp, ExposurePortState.Closed, "port-unreachable");
            }
            catch (SocketException)
            {
                return Result(remote.Port, ExposurePort.Udp, ExposurePortState.Filtered, "unreachable");
            }
        }

        return Result(remote.Port, ExposurePort.Udp, ExposurePortState.OpenFiltered, "no-response");
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
