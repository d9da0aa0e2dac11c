using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Reflector.Tests.Support;
using Xunit.Abstractions;

namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>
/// The nat probe against real Linux routers built as some home routers behave: a filter that admits any address any
/// LAN socket has sent to, and a machine that stalls (SIGSTOP, then SIGCONT past the deadline) while the probe runs.
/// </summary>
public sealed class NatHomeRouterNetnsTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Credentials = new()
    {
        ["username"] = StunReflector.Username,
        ["password"] = StunReflector.Password,
    };

    /// <summary>
    /// The filter is address-dependent, kept per host: were the mapping tests' packets to the alternate address sent
    /// before the filtering tests were decided, the alternate's answer to the filtering socket would be let in and the
    /// verdict would read endpoint-independent. Both our Reflector and coturn must give the ground truth.
    /// </summary>
    /// <remarks>
    /// The Reflector and coturn share the two public addresses, so one run's packets to the alternate would open the
    /// host-wide filter for the other: the runs go one after the other, the filter's list emptied before each. A third
    /// run without emptying it shows the filter is host-wide (what an earlier probe sent opens it), so the first two
    /// could fail. No time limit is asserted: each run ends once its verdict is decided, the 30 s timeout only bounds
    /// a starved machine.
    /// </remarks>
    [Fact]
    public async Task A_host_wide_address_filter_is_address_dependent()
    {
        using var net = NatTopology.Create(RouterNat.HostWideAddressFilter);
        await using var reflector = await StunReflector.StartAsync(net);
        await using var coturn = await CoturnPeer.StartAsync(net);
        var timeout = TimeSpan.FromSeconds(30);

        net.ForgetHostWideFilter();
        var ours = await NatProbeRunner.RunAsync(net, StunReflector.Target, timeout, new Dictionary<string, string>(Credentials) { ["max_lifetime_s"] = "0" });
        net.ForgetHostWideFilter();
        var againstCoturn = await NatProbeRunner.RunAsync(net, CoturnPeer.Target, timeout, new Dictionary<string, string> { ["max_lifetime_s"] = "0" });
        var opened = net.HostWideFilterList();
        var afterAnother = await NatProbeRunner.RunAsync(net, StunReflector.Target, timeout, new Dictionary<string, string>(Credentials) { ["max_lifetime_s"] = "0" });
        output.WriteLine(JsonSerializer.Serialize(ours, WireFormat.Options));
        output.WriteLine(JsonSerializer.Serialize(againstCoturn, WireFormat.Options));
        output.WriteLine($"filter list after the coturn run:\n{opened}");
        output.WriteLine(JsonSerializer.Serialize(afterAnother, WireFormat.Options));

        foreach (var observation in new[] { ours, againstCoturn })
        {
            Assert.Equal("endpoint_independent", observation.Facts["nat_mapping"]);
            Assert.Equal("address_dependent", observation.Facts["nat_filtering"]);
            Assert.Equal("restricted_cone", observation.Facts["nat_type"]);
            Assert.Contains(FindingCodes.NatFilteringAddressDependent, observation.Findings);
            Assert.DoesNotContain(FindingCodes.ExposureNatFilteringOpen, observation.Findings);
            Assert.DoesNotContain(FindingCodes.NatIncomplete, observation.Findings);
        }

        // The control: with the alternate address already on the host's list, the filter lets its answers in.
        Assert.Contains(NatTopology.AlternateAddress, opened, StringComparison.Ordinal);
        Assert.Equal("endpoint_independent", afterAnother.Facts["nat_filtering"]);
    }

    /// <summary>
    /// The probe's process is stopped once mapping and filtering are decided (it has read the answer to mapping test II,
    /// which is sent only after the filtering verdict) and continued after its deadline: it reports what it had decided,
    /// not a bare <c>nat.incomplete</c>, and its <c>durationMs</c> is within the timeout although the wall clock ran past it.
    /// </summary>
    /// <remarks>
    /// The stop follows the probe's own progress, not the clock: the client's INPUT chain counts the alternate address's
    /// answer (the kernel queues it on the socket in the same pass), then the test waits until the probe's sockets have
    /// nothing left to read. From there the lifetime trials (<c>max_lifetime_s</c> above what the timeout leaves) keep
    /// the probe running until a few seconds before its deadline, so a slow machine has most of the 90 s to reach the
    /// stop. The stall lasts until the deadline has certainly passed: the probe's clock starts before its first packet.
    /// </remarks>
    [Fact]
    public async Task A_stall_past_the_deadline_keeps_what_was_decided()
    {
        using var net = NatTopology.Create(RouterNat.Masquerade);
        await using var reflector = await StunReflector.StartAsync(net);
        const string sent = "fm-probe-sent";
        const string mapping2Reply = "fm-mapping2-reply";
        net.CountClientSends(sent);
        net.CountClientReceives(NatTopology.AlternateAddress, StunReflector.PrimaryPort, mapping2Reply);

        // The agent's own `probe nat` runs it, so the result is what the agent sends (durationMs included).
        // 30 s, then 45 s, still ran out before the stop on a busy CI machine; the test lasts about this long either way.
        var timeout = TimeSpan.FromSeconds(90);
        using var agent = AgentProbeProcess.Start(
            net.Client, "nat", StunReflector.Target, "--timeout", ((int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "--username", StunReflector.Username, "--password", StunReflector.Password, "--max_lifetime_s", "180");
        var waited = Stopwatch.StartNew();
        TimeSpan? firstSent = null;
        TimeSpan? answered = null;
        while (answered is null || !net.ClientReceiveQueuesEmpty())
        {
            if (agent.HasExited)
            {
                var early = await agent.ResultAsync(TimeSpan.FromSeconds(10));
                Assert.Fail($"the probe ended before the stall (first packet seen {firstSent?.TotalSeconds:0.0} s, mapping test II answered " +
                    $"{answered?.TotalSeconds:0.0} s after the start): " + JsonSerializer.Serialize(early, WireFormat.Options));
            }

            Assert.True(waited.Elapsed < timeout + TimeSpan.FromSeconds(60), "mapping test II was never answered and read");
            if (firstSent is null && net.ClientCount("OUTPUT", sent) > 0)
                firstSent = waited.Elapsed;
            if (answered is null && net.ClientCount("INPUT", mapping2Reply) > 0)
                answered = waited.Elapsed;
            await Task.Delay(50);
        }

        try
        {
            agent.Signal("STOP");
        }
        catch (InvalidOperationException) when (agent.HasExited)
        {
            var early = await agent.ResultAsync(TimeSpan.FromSeconds(10));
            Assert.Fail($"the probe ended before it could be stopped (first packet seen {firstSent?.TotalSeconds:0.0} s, mapping test II answered " +
                $"{answered?.TotalSeconds:0.0} s after the start): " + JsonSerializer.Serialize(early, WireFormat.Options));
        }

        var stoppedAt = waited.Elapsed;
        // The probe's deadline is at most `timeout` after its first packet (its clock started before it).
        var deadlinePassed = (firstSent ?? stoppedAt) + timeout + TimeSpan.FromSeconds(1);
        var stall = deadlinePassed - waited.Elapsed;
        if (stall > TimeSpan.Zero)
            await Task.Delay(stall);
        agent.Signal("CONT");
        var observation = await agent.ResultAsync(TimeSpan.FromSeconds(60));
        var wall = waited.Elapsed;
        output.WriteLine($"first packet {firstSent?.TotalSeconds:0.0} s, mapping test II answered {answered?.TotalSeconds:0.0} s, stopped {stoppedAt.TotalSeconds:0.0} s, continued {deadlinePassed.TotalSeconds:0.0} s, ended {wall.TotalSeconds:0.0} s after the start");
        output.WriteLine(JsonSerializer.Serialize(observation, WireFormat.Options));

        // The run's wall clock passed the timeout (the stall outlasted the deadline); durationMs is the timeout.
        Assert.True(wall > timeout, $"ended after {wall}");
        Assert.Equal(timeout.TotalMilliseconds, observation.DurationMs);
        Assert.Equal("endpoint_independent", observation.Facts["nat_mapping"]);
        Assert.Equal("address_and_port_dependent", observation.Facts["nat_filtering"]);
        Assert.Equal("port_restricted_cone", observation.Facts["nat_type"]);
        Assert.StartsWith($"{NatTopology.RouterWanAddress}:", observation.Facts["mapped_address"], StringComparison.Ordinal);
        Assert.Contains(FindingCodes.NatMappingEndpointIndependent, observation.Findings);
        Assert.Contains(FindingCodes.NatFilteringAddressAndPortDependent, observation.Findings);
        Assert.DoesNotContain(FindingCodes.NatIncomplete, observation.Findings);
    }

    /// <summary>
    /// A carrier-grade NAT in front of the home router (its WAN on 100.64.0.0/10): the server sees the carrier's public
    /// address, so only the path shows the second NAT (a 100.64.0.0/10 router at hop 2). Behind a single NAT, at the
    /// same time, the trace runs as well and finds no such hop.
    /// </summary>
    [Fact]
    public async Task A_carrier_grade_nat_behind_the_home_router_is_found_on_the_path_and_a_single_nat_is_not_suspected()
    {
        var results = await Task.WhenAll(RunAsync(RouterNat.CarrierGradeDoubleNat), RunAsync(RouterNat.Masquerade));
        var (doubleNat, singleNat) = (results[0], results[1]);

        Assert.Equal("public", doubleNat.Facts["mapped_address_scope"]);
        Assert.StartsWith($"{NatTopology.RouterWanAddress}:", doubleNat.Facts["mapped_address"], StringComparison.Ordinal);
        Assert.Equal($"1={NatTopology.RouterLanAddress} 2={NatTopology.CarrierLanAddress} 3={NatTopology.PrimaryAddress}", doubleNat.Facts["path_hops"]);
        Assert.Contains(FindingCodes.NatCgnatSuspected, doubleNat.Findings);
        Assert.Equal("port_restricted_cone", doubleNat.Facts["nat_type"]);

        Assert.Equal($"1={NatTopology.RouterLanAddress} 2={NatTopology.PrimaryAddress}", singleNat.Facts["path_hops"]);
        Assert.DoesNotContain(FindingCodes.NatCgnatSuspected, singleNat.Findings);
        Assert.Equal("port_restricted_cone", singleNat.Facts["nat_type"]);

        async Task<ProbeObservation> RunAsync(RouterNat nat)
        {
            using var net = NatTopology.Create(nat);
            await using var reflector = await StunReflector.StartAsync(net);
            var observation = await NatProbeRunner.RunAsync(net, StunReflector.Target, TimeSpan.FromSeconds(30), new Dictionary<string, string>(Credentials) { ["max_lifetime_s"] = "0" });
            output.WriteLine($"{nat}: {JsonSerializer.Serialize(observation, WireFormat.Options)}");
            return observation;
        }
    }
}
