using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Media;
using FleetMonitor.Probes.Tests.Support;
using FleetMonitor.Protocols.Media;

namespace FleetMonitor.Probes.Tests.Media;

public sealed class MediaStreamProbeTests
{
    private readonly MediaStreamProbe _probe = new();

    [Fact]
    public async Task Clean_echo_is_ok_with_every_measurement()
    {
        await using var echo = new UdpTestEcho();

        var observation = await _probe.RunAsync(Request(echo.Port, count: 40), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Empty(observation.Findings);
        var m = observation.Measurements;
        Assert.Equal(40, m["packets_sent"]);
        Assert.Equal(40, m["packets_received"]);
        Assert.Equal(0, m["loss_ratio"]);
        Assert.Equal(0, m["max_burst"]);
        Assert.InRange(m["rtt_min_ms"], 0, m["rtt_avg_ms"]);
        Assert.InRange(m["rtt_p95_ms"], m["rtt_min_ms"], 1000);
        Assert.True(m["jitter_ms"] >= 0);
        // No loss and sub-millisecond delay: the G.711 ceiling (R 93.2 less Id of the 5 ms packetisation).
        Assert.InRange(m["r_factor"], 92, 93.2);
        Assert.InRange(m["mos_plc"], 4.35, 4.41);
        Assert.Equal(m["mos_plc"], m["mos_no_plc"]);
        Assert.Equal("round_trip", observation.Facts["loss_scope"]);
        Assert.Equal($"127.0.0.1:{echo.Port}", observation.Facts["remote_address"]);
    }

    [Fact]
    public async Task Sends_exactly_count_packets_of_the_asked_size_in_sequence_with_one_stream_id()
    {
        await using var echo = new UdpTestEcho();

        await _probe.RunAsync(Request(echo.Port, count: 25, packetBytes: 92), CancellationToken.None);

        var received = echo.Received.ToArray();
        Assert.Equal(25, received.Length);
        Assert.All(received, r => Assert.Equal(92, r.Data.Length));
        var headers = received.Select(r => Assert.IsType<MediaPacketHeader>(Read(r.Data))).ToArray();
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (uint)i), headers.Select(h => h.Sequence).Order());
        Assert.Single(headers.Select(h => h.StreamId).Distinct());
        Assert.All(headers, h => Assert.False(h.Echoed));
        Assert.Single(received.Select(r => r.From.Port).Distinct());
    }

    [Fact]
    public async Task Defaults_send_250_packets_of_172_bytes()
    {
        await using var echo = new UdpTestEcho();

        var observation = await _probe.RunAsync(
            new ProbeRequest { Target = $"127.0.0.1:{echo.Port}", Timeout = TimeSpan.FromSeconds(10) }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal(250, observation.Measurements["packets_sent"]);
        Assert.All(echo.Received, r => Assert.Equal(172, r.Data.Length));
    }

    [Fact]
    public async Task Sends_from_a_port_of_local_ports()
    {
        await using var echo = new UdpTestEcho();
        var port = FreeUdpPort();

        var observation = await _probe.RunAsync(
            Request(echo.Port, count: 5, extra: new() { ["local_ports"] = $"{port}-{port}" }), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal(port.ToString(CultureInfo.InvariantCulture), observation.Facts["local_port"]);
        Assert.All(echo.Received, r => Assert.Equal(port, r.From.Port));
    }

    [Fact]
    public async Task Busy_local_ports_are_an_error_of_the_probe()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Any, 0));
        var port = ((IPEndPoint)holder.LocalEndPoint!).Port;

        var observation = await _probe.RunAsync(
            Request(9, count: 5, extra: new() { ["local_ports"] = port.ToString(CultureInfo.InvariantCulture) }), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.MediaLocalPortUnavailable], observation.Findings);
    }

    [Fact]
    public async Task Closed_port_is_no_echo_and_says_the_port_is_unreachable()
    {
        var port = FreeUdpPort();

        var observation = await _probe.RunAsync(Request(port, count: 10), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.MediaNoEcho], observation.Findings);
        Assert.Equal("true", observation.Facts["port_unreachable"]);
        Assert.Contains("port unreachable", observation.Error, StringComparison.Ordinal);
        Assert.Equal(0, observation.Measurements["packets_received"]);
        Assert.Equal(1, observation.Measurements["loss_ratio"]);
        Assert.False(observation.Measurements.ContainsKey("mos_plc"));
    }

    [Fact]
    public async Task Silent_peer_is_no_echo()
    {
        await using var silent = new UdpTestEcho(_ => null);

        var observation = await _probe.RunAsync(Request(silent.Port, count: 10), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.MediaNoEcho], observation.Findings);
        Assert.Equal(10, observation.Measurements["packets_sent"]);
        Assert.Equal(10, silent.Received.Count);
        Assert.False(observation.Facts.ContainsKey("port_unreachable"));
    }

    [Theory]
    [InlineData("plain echo without the echoed flag")]
    [InlineData("another stream id")]
    [InlineData("another send timestamp")]
    public async Task Replies_that_are_not_echoes_of_this_stream_do_not_count(string kind)
    {
        await using var peer = new UdpTestEcho(request =>
        {
            switch (kind)
            {
                case "another stream id":
                    MediaPacket.MarkEchoed(request);
                    BinaryPrimitives.WriteUInt32BigEndian(request.AsSpan(8), BinaryPrimitives.ReadUInt32BigEndian(request.AsSpan(8)) ^ 1);
                    break;
                case "another send timestamp":
                    MediaPacket.MarkEchoed(request);
                    request[23] ^= 1;
                    break;
            }

            return request;
        });

        var observation = await _probe.RunAsync(Request(peer.Port, count: 10), CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.MediaNoEcho], observation.Findings);
    }

    [Fact]
    public async Task Lost_echoes_are_counted_with_their_bursts_and_lower_the_MOS()
    {
        // Drops sequence numbers 10-14 and 30: 6 of 50 lost, the longest burst 5.
        await using var lossy = new UdpTestEcho(request =>
            Read(request)?.Sequence is >= 10 and <= 14 or 30 ? null : UdpTestEcho.Echo(request));

        var observation = await _probe.RunAsync(Request(lossy.Port, count: 50), CancellationToken.None);

        var m = observation.Measurements;
        Assert.Equal(50, m["packets_sent"]);
        Assert.Equal(44, m["packets_received"]);
        Assert.Equal(0.12, m["loss_ratio"], 6);
        Assert.Equal(5, m["max_burst"]);
        Assert.True(m["burst_ratio"] > 1, "five in a row is burstier than random");
        Assert.True(m["mos_plc"] < 4, $"MOS {m["mos_plc"]} with 12 % loss");
        Assert.True(m["mos_no_plc"] < m["mos_plc"]);
        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
        Assert.Contains(FindingCodes.MediaLossHigh, observation.Findings);
        Assert.Contains(FindingCodes.MediaMosLow, observation.Findings);
        Assert.DoesNotContain(FindingCodes.MediaJitterHigh, observation.Findings);
    }

    [Fact]
    public async Task Thresholds_are_parameters()
    {
        await using var lossy = new UdpTestEcho(request => Read(request)?.Sequence == 3 ? null : UdpTestEcho.Echo(request));

        var observation = await _probe.RunAsync(
            Request(lossy.Port, count: 20, extra: new() { ["max_loss_percent"] = "10", ["min_mos"] = "1" }), CancellationToken.None);

        Assert.Equal(0.05, observation.Measurements["loss_ratio"], 6);
        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Empty(observation.Findings);
    }

    [Fact]
    public async Task Deadline_stops_the_stream_early_and_judges_what_was_sent()
    {
        // On a fake clock: the stream's 20 ms waits are the only timers of 20 ms (the deadline's is 1 s, the echo
        // wait's 500 ms), so the test moves time on only once the probe waits for its next packet.
        var interval = TimeSpan.FromMilliseconds(20);
        var clock = new TimerRecordingTimeProvider(due => due == interval);
        // Released once per packet the echo receives, so the test waits for each echo instead of polling.
        using var echoed = new SemaphoreSlim(0);
        await using var echo = new UdpTestEcho(request =>
        {
            echoed.Release();
            return UdpTestEcho.Echo(request);
        });
        var request = Request(echo.Port, count: 10_000, interval: 20) with { Timeout = TimeSpan.FromSeconds(1) };

        var run = new MediaStreamProbe(clock).RunAsync(request, CancellationToken.None);

        // Half of a short timeout is kept for the echoes: packets go out while time + 20 ms <= 500 ms, i.e. packets
        // 0 to 25, the first at once and each of the others after a 20 ms wait.
        const int Expected = 26;
        for (var sent = 1; sent < Expected; sent++)
        {
            Assert.Equal(interval, await clock.NextTimerAsync());
            Assert.True(await echoed.WaitAsync(TimeSpan.FromMinutes(1)), $"packet {sent - 1} reached the echo");
            clock.Advance(interval);
        }

        // The last packet's echo ends the probe without time moving on: every packet sent came back.
        var observation = await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(Expected, echo.Received.Count);
        Assert.Equal("deadline", observation.Facts["stopped_early"]);
        Assert.Equal(Expected, observation.Measurements["packets_sent"]);
        Assert.Equal(Expected, observation.Measurements["packets_received"]);
        Assert.Equal(0, observation.Measurements["loss_ratio"]);
        Assert.DoesNotContain(FindingCodes.MediaLossHigh, observation.Findings);
    }

    [Fact]
    public async Task Caller_cancelling_stops_the_probe_with_an_exception()
    {
        await using var silent = new UdpTestEcho(_ => null);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _probe.RunAsync(Request(silent.Port, count: 1000, interval: 20), cancel.Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("198.51.100.1")]
    [InlineData("udp://198.51.100.1:7000")]
    [InlineData("198.51.100.1:0")]
    public async Task Malformed_target_is_an_error_of_the_probe(string target)
    {
        var observation = await _probe.RunAsync(new ProbeRequest { Target = target }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidTarget], observation.Findings);
    }

    [Fact]
    public async Task Unusable_parameter_is_an_error_of_the_probe()
    {
        var observation = await _probe.RunAsync(
            new ProbeRequest { Target = "127.0.0.1:7000", Parameters = new Dictionary<string, string> { ["count"] = "0" } },
            CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidParameter], observation.Findings);
        Assert.Contains("count", observation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Is_in_the_default_catalog()
    {
        Assert.True(ProbeCatalog.CreateDefault().TryGet("media", out var probe));
        Assert.IsType<MediaStreamProbe>(probe);
    }

    [Fact]
    public void P95_is_the_nearest_rank()
    {
        double[] sorted = [.. Enumerable.Range(1, 20).Select(i => (double)i)];

        Assert.Equal(19, MediaStreamProbe.NearestRank(sorted, 0.95));
        Assert.Equal(5, MediaStreamProbe.NearestRank([5], 0.95));
    }

    private static ProbeRequest Request(int port, int count, int interval = 5, int packetBytes = 172, Dictionary<string, string>? extra = null)
    {
        var parameters = new Dictionary<string, string>(extra ?? [])
        {
            ["count"] = count.ToString(CultureInfo.InvariantCulture),
            ["interval_ms"] = interval.ToString(CultureInfo.InvariantCulture),
            ["packet_bytes"] = packetBytes.ToString(CultureInfo.InvariantCulture),
        };
        return new ProbeRequest { Target = $"127.0.0.1:{port}", Parameters = parameters, Timeout = TimeSpan.FromSeconds(10) };
    }

    private static MediaPacketHeader? Read(byte[] data) => MediaPacket.TryRead(data, out var header) ? header : null;

    /// <summary>
    /// A free UDP port below Linux's ephemeral range (32768+), so that tests binding port 0 in parallel cannot take it
    /// between this check and the probe's own bind.
    /// </summary>
    private static int FreeUdpPort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 30_000);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Any, port));
                return port;
            }
            catch (SocketException)
            {
                // In use: try another.
            }
        }

        throw new InvalidOperationException("no free UDP port in 20000-29999");
    }
}
