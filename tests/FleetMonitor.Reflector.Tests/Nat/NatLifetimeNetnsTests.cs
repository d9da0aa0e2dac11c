using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Reflector.Tests.Support;
using Xunit.Abstractions;

namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>
/// The binding lifetime search against real conntrack timeouts (MASQUERADE, <c>nf_conntrack_udp_timeout</c> set in the
/// router's namespace): with a 20 s search window, a 10 s timeout must be found between two neighbouring waits that
/// bracket 10 s (and be short of the 30 s keep-alive), a 60 s timeout must outlive the whole window. coturn's
/// classifier (<c>-t -T</c>, one fixed wait per run) and our probe against coturn must agree.
/// </summary>
/// <remarks>
/// Both timeouts run at once in their own topologies (conntrack timeouts are per network namespace on recent kernels;
/// <see cref="NatTopology"/> restores the machine's value if this one shares it). The searches are bounded by their
/// window: about 26 s for the whole test whatever the lifetime. A single exchange keeps a conntrack entry in its
/// "unreplied" class (it becomes a stream only when traffic continues past 2 s), so <c>nf_conntrack_udp_timeout</c>,
/// not <c>_stream</c>, is the lifetime each trial meets.
/// </remarks>
public sealed class NatLifetimeNetnsTests(ITestOutputHelper output)
{
    private const int Window = 20;
    // Room beyond the window so that a loaded machine still gets the whole window (the search ends with it).
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(Window + 15);
    private static readonly TimeSpan ToolLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Lifetime_is_bracketed_for_a_10_s_binding_and_outlives_the_window_for_a_60_s_one()
    {
        await Task.WhenAll(LifetimeAsync(10), LifetimeAsync(60));
    }

    /// <summary>
    /// The agent's <c>probe nat</c> with no <c>--timeout</c> runs under the kind's default (130 s), so its default
    /// <c>max_lifetime_s</c> 120 search finds a 10 s binding short of the 30 s keep-alive (it ends once the binding is
    /// found gone, about 15 s). With <c>--timeout 10</c> the search is cut to a few seconds, and the output says so.
    /// </summary>
    [Fact]
    public async Task The_agents_default_nat_probe_finds_a_short_binding_and_a_short_timeout_says_the_search_was_cut()
    {
        using var net = NatTopology.Create(RouterNat.Masquerade, 10);
        await using var reflector = await StunReflector.StartAsync(net);
        string[] credentials = ["--username", StunReflector.Username, "--password", StunReflector.Password];

        var byDefault = AgentProbeProcess.RunAsync(net.Client, TimeSpan.FromSeconds(190), "nat", StunReflector.Target, credentials);
        var cut = AgentProbeProcess.RunAsync(net.Client, TimeSpan.FromSeconds(70), "nat", StunReflector.Target, [.. credentials, "--timeout", "10"]);
        var (full, shortened) = (await byDefault, await cut);
        output.WriteLine($"default timeout: {Describe(full)}");
        output.WriteLine($"--timeout 10: {Describe(shortened)}");

        Assert.Equal("expired", full.Facts["binding_lifetime"]);
        Assert.Equal(120, full.Measurements["binding_lifetime_search_s"]);
        Assert.Contains(FindingCodes.NatBindingShort, full.Findings);
        Assert.DoesNotContain(FindingCodes.NatBindingLifetimeUnmeasured, full.Findings);
        Assert.False(full.Facts.ContainsKey("binding_lifetime_note"), full.Facts.GetValueOrDefault("binding_lifetime_note"));
        Assert.Equal(ProbeOutcome.Degraded, full.Outcome);
        Assert.True(full.DurationMs <= 130_000, $"durationMs {full.DurationMs}");

        Assert.StartsWith("searched ", shortened.Facts["binding_lifetime_note"], StringComparison.Ordinal);
        Assert.Contains("of max_lifetime_s 120", shortened.Facts["binding_lifetime_note"], StringComparison.Ordinal);
        Assert.Contains(FindingCodes.NatBindingLifetimeUnmeasured, shortened.Findings);
        Assert.DoesNotContain(FindingCodes.NatBindingShort, shortened.Findings);
        Assert.True(shortened.Measurements.GetValueOrDefault("binding_lifetime_search_s") < 10, Describe(shortened));
        Assert.True(shortened.DurationMs <= 10_000, $"durationMs {shortened.DurationMs}");
    }

    private async Task LifetimeAsync(int conntrackSeconds)
    {
        using var net = NatTopology.Create(RouterNat.Masquerade, conntrackSeconds);
        Assert.Equal(conntrackSeconds, net.RouterUdpTimeout());
        await using var reflector = await StunReflector.StartAsync(net);
        await using var coturn = await CoturnPeer.StartAsync(net);

        var search = new Dictionary<string, string> { ["max_lifetime_s"] = $"{Window}" };
        var ours = NatProbeRunner.RunAsync(net, StunReflector.Target, ProbeTimeout, new Dictionary<string, string>(search)
        {
            ["username"] = StunReflector.Username,
            ["password"] = StunReflector.Password,
        });
        var oursAgainstCoturn = NatProbeRunner.RunAsync(net, CoturnPeer.Target, ProbeTimeout, search);
        var longWait = conntrackSeconds < Window ? 15 : Window;
        var toolShort = NatDiscovery.RunAsync(net, CoturnPeer.PrimaryPort, ToolLimit, "-t", "-T", "5");
        var toolLong = NatDiscovery.RunAsync(net, CoturnPeer.PrimaryPort, ToolLimit, "-t", "-T", $"{longWait}");
        await Task.WhenAll(ours, oursAgainstCoturn, toolShort, toolLong);
        var (a, b, shortRun, longRun) = (await ours, await oursAgainstCoturn, await toolShort, await toolLong);

        // natdiscovery -t prints one "RFC 5780 response" for the binding and a second when the RESPONSE-PORT answer came back.
        var shortAlive = shortRun.Responses == 2;
        var longAlive = longRun.Responses == 2;
        output.WriteLine(
            $"| conntrack {conntrackSeconds} s | ours→Reflector: {Row(a)} | ours→coturn: {Row(b)} " +
            $"| natdiscovery→coturn: T=5 s {(shortAlive ? "alive" : "expired")}, T={longWait} s {(longAlive ? "alive" : "expired")} |");
        var context = $"\nours→Reflector: {Describe(a)}\nours→coturn: {Describe(b)}\n" +
            $"natdiscovery -T 5:\n{shortRun.Output}\nnatdiscovery -T {longWait}:\n{longRun.Output}";

        foreach (var (who, observation) in new[] { ("ours→Reflector", a), ("ours→coturn", b) })
        {
            Assert.True(observation.Facts["nat_type"] == "port_restricted_cone", $"{who}: {observation.Facts["nat_type"]}{context}");
            Assert.True(observation.Measurements.ContainsKey("binding_lifetime_s"), $"{who}: no lifetime measured{context}");
            var atLeast = observation.Measurements["binding_lifetime_s"];
            Assert.Equal(Window, observation.Measurements["binding_lifetime_search_s"]);
            if (conntrackSeconds < Window)
            {
                // The binding dies at 10 s: the last survivor is at most 10 s (plus a round trip) and the first wait
                // that found it gone at least 10 s; with the 20 s window's waits (5, 7.5, 10, 15) that is 7.5 or 10 and
                // 10 or 15 (10 itself is a coin toss). 5 is allowed below: a check that a loaded machine sends late
                // finds an older binding, which only makes the bound more conservative.
                var below = observation.Measurements.GetValueOrDefault("binding_lifetime_upper_s", double.NaN);
                Assert.True(atLeast is >= 5 and <= 10.5, $"{who}: lived at least {atLeast} s, the binding lasts {conntrackSeconds} s{context}");
                Assert.True(below is >= 9.5 and <= 15, $"{who}: gone by {below} s, the binding lasts {conntrackSeconds} s{context}");
                Assert.Equal("expired", observation.Facts["binding_lifetime"]);
                Assert.Contains(FindingCodes.NatBindingShort, observation.Findings);
                Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
            }
            else
            {
                // 60 s > 20 s: every trial outlives its wait; the search reports a lower bound only.
                Assert.True(atLeast >= Window, $"{who}: lived at least {atLeast} s of a {conntrackSeconds} s binding{context}");
                Assert.Equal("outlived_search", observation.Facts["binding_lifetime"]);
                Assert.False(observation.Measurements.ContainsKey("binding_lifetime_upper_s"));
                Assert.DoesNotContain(FindingCodes.NatBindingShort, observation.Findings);
                Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
            }
        }

        Assert.True(shortAlive, $"natdiscovery: a {conntrackSeconds} s binding should outlive 5 s{context}");
        Assert.True(longAlive == longWait < conntrackSeconds, $"natdiscovery: after {longWait} s a {conntrackSeconds} s binding should be {(longWait < conntrackSeconds ? "alive" : "gone")}{context}");
    }

    private static string Row(ProbeObservation o) =>
        $"lifetime ≥ {o.Measurements.GetValueOrDefault("binding_lifetime_s")} s" +
        (o.Measurements.TryGetValue("binding_lifetime_upper_s", out var below) ? $", < {below} s" : " (outlived the search)") +
        $", [{string.Join(", ", o.Findings.Where(f => f.StartsWith("nat.binding", StringComparison.Ordinal)))}], " +
        $"{o.Measurements["transactions"]} tx, {o.Measurements["stun_packets_sent"]}/{o.Measurements["stun_packets_received"]} pkts";

    private static string Describe(ProbeCompleted o) =>
        $"{o.Outcome} {o.DurationMs} ms [{string.Join(", ", o.Findings)}] {string.Join(", ", o.Facts.Select(f => $"{f.Key}={f.Value}"))} " +
        $"{string.Join(", ", o.Measurements.Select(m => $"{m.Key}={m.Value}"))} {o.Error}";

    private static string Describe(ProbeObservation o) =>
        $"{o.Outcome} [{string.Join(", ", o.Findings)}] {string.Join(", ", o.Facts.Select(f => $"{f.Key}={f.Value}"))} " +
        $"{string.Join(", ", o.Measurements.Select(m => $"{m.Key}={m.Value}"))} {o.Error}";
}
