using System.Globalization;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Reflector.Tests.Support;
using Xunit.Abstractions;

namespace FleetMonitor.Reflector.Tests.Netns;

/// <summary>
/// The media probe in a client namespace against the real Reflector (the built service, as a child process) in a
/// reflector namespace, with loss made by the kernel's netfilter: the measured loss must be the loss the topology made.
/// </summary>
public sealed class MediaProbeNetnsTests(ITestOutputHelper output) : IDisposable
{
    private const int EchoPort = 7000;
    private static readonly string Echo = $"{NetnsTopology.ReflectorAddress}:{EchoPort}";

    private readonly NetnsTopology _net = NetnsTopology.Create();

    public void Dispose() => _net.Dispose();

    /// <summary>
    /// Three probes at once, from source ports 20000, 20001 and 20002, each through its own iptables rule in the
    /// reflector's INPUT chain dropping its requests at random with probability 0, 0.05 and 0.20
    /// (<c>-m statistic --mode random</c>: each packet independently).
    /// </summary>
    /// <remarks>
    /// Two assertions per level. Exact: the packets the probe lost are the packets the rule dropped (its counter),
    /// since nothing else loses packets on a veth pair; this proves the probe's accounting. Statistical: the dropped
    /// count of N = 1000 independent trials is Binomial(N, P), so the measured loss must lie in the exact binomial
    /// interval outside which it falls with probability at most 1e-6 (5e-7 per tail): for P = 0.05 that is about
    /// 20..87 packets (2.0..8.7 %; mean 50, sd 6.9), for P = 0.20 about 141..264 (14.1..26.4 %; mean 200, sd 12.6).
    /// The two intervals do not overlap, so the test tells 5 % from 20 % and fails falsely about twice in a million
    /// runs (two random levels). N = 1000 at 5 ms keeps the run at about six seconds; the default 250 packets would
    /// give intervals twice as wide relative to N (the relative spread shrinks as 1/sqrt(N)), and 5 % would overlap 0.
    /// </remarks>
    [Fact]
    public async Task Measured_loss_is_the_loss_netfilter_made_and_MOS_falls_with_it()
    {
        const int count = 1000;
        double[] probabilities = [0, 0.05, 0.20];
        await using var reflector = await ReflectorProcess.StartAsync(
            _net.Reflector, Echo,
            // Three streams of 200 packets/s from one address: above the production default of 100/s per source.
            "--Reflector:Echo:PacketsPerSecondPerSource=2000", "--Reflector:Echo:BurstPerSource=2000");
        for (var i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] > 0)
            {
                NetnsSet.Iptables(
                    _net.Reflector, "-A", "INPUT", "-p", "udp", "--dport", $"{EchoPort}", "--sport", $"{20000 + i}",
                    "-m", "statistic", "--mode", "random", "--probability", probabilities[i].ToString(CultureInfo.InvariantCulture),
                    "-m", "comment", "--comment", $"fmt-loss-{i}", "-j", "DROP");
            }
        }

        var observations = await Task.WhenAll(probabilities.Select((_, i) => NetnsRunner.MediaProbeAsync(
            _net.Client, Echo, TimeSpan.FromSeconds(20), new Dictionary<string, string>
            {
                ["count"] = $"{count}",
                ["interval_ms"] = "5",
                ["local_ports"] = $"{20000 + i}",
            })));

        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i];
            var m = observations[i].Measurements;
            var lost = m["packets_sent"] - m["packets_received"];
            Assert.Equal(count, m["packets_sent"]);
            Assert.Equal($"{20000 + i}", observations[i].Facts["local_port"]);

            var dropped = p > 0 ? NetnsTopology.InputRuleCount(_net.Reflector, $"fmt-loss-{i}") : 0;
            Assert.True(lost == dropped, $"P = {p}: the probe lost {lost} packets, netfilter dropped {dropped}\n{reflector.Output}");

            var (low, high) = BinomialBounds.Interval(count, p, tail: 5e-7);
            output.WriteLine(
                $"P = {p}: dropped {dropped}, lost {lost} (allowed {low}..{high}), jitter {m["jitter_ms"]} ms, " +
                $"BurstR {m["burst_ratio"]}, R {m["r_factor"]}, MOS {m["mos_plc"]} / {m["mos_no_plc"]}");
            Assert.InRange(m["loss_ratio"], (double)low / count, (double)high / count);
            Assert.Equal(lost / count, m["loss_ratio"], 6);
        }

        Assert.Equal(ProbeOutcome.Ok, observations[0].Outcome);
        Assert.Empty(observations[0].Findings);
        Assert.Contains(FindingCodes.MediaLossHigh, observations[1].Findings);
        Assert.Contains(FindingCodes.MediaLossHigh, observations[2].Findings);
        Assert.Contains(FindingCodes.MediaMosLow, observations[2].Findings);
        foreach (var name in new[] { "mos_plc", "mos_no_plc", "r_factor" })
        {
            var scores = observations.Select(o => o.Measurements[name]).ToArray();
            Assert.True(scores[0] > scores[1] && scores[1] > scores[2], $"{name} should fall as loss rises: {string.Join(" > ", scores)}");
        }
    }

    [Fact]
    public async Task Without_a_reflector_nothing_comes_back_and_the_host_says_the_port_is_closed()
    {
        var observation = await NetnsRunner.MediaProbeAsync(
            // Half a second of packets and a second for the last echoes: the budget only bounds a busy machine, where 5 s
            // could stop the sending early.
            _net.Client, Echo, TimeSpan.FromSeconds(20), new Dictionary<string, string> { ["count"] = "25", ["interval_ms"] = "20" });

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.MediaNoEcho], observation.Findings);
        Assert.Equal(0, observation.Measurements["packets_received"]);
        Assert.Equal(1, observation.Measurements["loss_ratio"]);
        Assert.Equal("true", observation.Facts["port_unreachable"]);
    }

    [Fact]
    public async Task Reflector_whose_traffic_is_silently_dropped_is_no_echo()
    {
        await using var reflector = await ReflectorProcess.StartAsync(_net.Reflector, Echo);
        NetnsSet.Iptables(_net.Reflector, "-A", "INPUT", "-p", "udp", "--dport", $"{EchoPort}", "-m", "comment", "--comment", "fmt-all", "-j", "DROP");

        var observation = await NetnsRunner.MediaProbeAsync(
            // Half a second of packets and a second for the last echoes: the budget only bounds a busy machine, where 5 s
            // could stop the sending early.
            _net.Client, Echo, TimeSpan.FromSeconds(20), new Dictionary<string, string> { ["count"] = "25", ["interval_ms"] = "20" });

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.MediaNoEcho], observation.Findings);
        Assert.Equal(25, observation.Measurements["packets_sent"]);
        Assert.Equal(25, NetnsTopology.InputRuleCount(_net.Reflector, "fmt-all"));
        Assert.False(observation.Facts.ContainsKey("port_unreachable"));
    }
}
