using System.Diagnostics;
using FleetMonitor.Probes;
using FleetMonitor.Protocols.Exposure;
using FleetMonitor.Reflector.Tests.Support;
using Xunit.Abstractions;

namespace FleetMonitor.Reflector.Tests.Exposure;

/// <summary>The real Reflector in the internet namespace of a <see cref="RouterTopology"/>, with its HTTP endpoint on the internet address and two agents' credentials.</summary>
internal static class ExposureReflector
{
    public const string Username = "agent-7";
    public const string Password = "correct-horse-battery-staple-7";
    public const string OtherUsername = "agent-8";
    public const string OtherPassword = "correct-horse-battery-staple-8";
    public const int Port = 8088;

    /// <summary>The RTP range the probe asks to sample, and the ports the Reflector takes from it (four, spread evenly).</summary>
    public const string RtpRange = "10000-20000";
    public static readonly IReadOnlyList<int> RtpPorts = [10000, 13333, 16667, 20000];

    public static readonly string Url = $"http://{RouterTopology.InternetAddress}:{Port}";

    /// <summary>Where the Reflector serves <c>/metrics</c> (its public <see cref="Url"/> answers 404 there).</summary>
    public static readonly string ManagementUrl = $"http://{RouterTopology.InternetAddress}:9091";

    public static async Task<ReflectorProcess> StartAsync(RouterTopology net, params string[] settings)
    {
        var reflector = await ReflectorProcess.StartAsync(net.Internet, $"{RouterTopology.InternetAddress}:7000",
        [
            "--urls", Url,
            $"--{ManagementEndpoint.SettingKey}={ManagementUrl}",
            $"--Reflector:Agents:Credentials:0:Username={Username}", $"--Reflector:Agents:Credentials:0:Password={Password}",
            $"--Reflector:Agents:Credentials:1:Username={OtherUsername}", $"--Reflector:Agents:Credentials:1:Password={OtherPassword}",
            // Scan timing for a busy machine: an answer (a SYN-ACK, kamailio's reply, a port-unreachable) read after the
            // production waits of 1.5 s (TCP) and 1 s (UDP) made an open port filtered or a closed one open|filtered.
            // Only ports that never answer wait these out; a test's own settings come after and win.
            "--Reflector:Exposure:TcpTimeoutMs=5000", "--Reflector:Exposure:UdpTimeoutMs=3000",
            "--Reflector:Exposure:BannerTimeoutMs=3000", "--Reflector:Exposure:ScanTimeLimitSeconds=90",
            .. settings,
        ]);
        var waited = Stopwatch.StartNew();
        while (!reflector.Output.Contains($"Now listening on: {Url}", StringComparison.Ordinal))
        {
            // The process start itself is bounded in ReflectorProcess; this only waits for Kestrel after it.
            if (waited.Elapsed > TimeSpan.FromSeconds(120))
            {
                var output = reflector.Output;
                await reflector.DisposeAsync();
                Assert.Fail($"the Reflector's HTTP endpoint did not listen on {Url}:\n{output}");
            }

            await Task.Delay(50);
        }

        return reflector;
    }

    /// <summary>The exposure probe from the client namespace, as the agent runs it.</summary>
    public static Task<ProbeObservation> ProbeAsync(RouterTopology net, params (string Name, string Value)[] extra)
    {
        var parameters = new Dictionary<string, string>
        {
            ["username"] = Username,
            ["password"] = Password,
            ["rtp_range"] = RtpRange,
            ["rtp_sample"] = $"{RtpPorts.Count}",
        };
        foreach (var (name, value) in extra)
            parameters[name] = value;
        // Covers the Reflector's whole scan (at most its 90 s limit above) and the exchange around it.
        return NetnsProbe.RunAsync(net.Client, "exposure", Url, TimeSpan.FromSeconds(120), parameters);
    }

    /// <summary>Each scanned port's state, read back from the observation's facts as a user would read them.</summary>
    public static Dictionary<string, string> States(ProbeObservation observation)
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (fact, state) in new[] { ("open", "open"), ("closed", "closed"), ("filtered", "filtered"), ("open_filtered", "open|filtered") })
        {
            if (observation.Facts.TryGetValue(fact, out var ports))
            {
                foreach (var port in ports.Split(','))
                    states.Add(port, state);
            }
        }

        return states;
    }

    /// <summary>The truth of a topology scanning <paramref name="ports"/>: each in <paramref name="tcp"/> or <paramref name="udp"/> state, except <paramref name="exceptions"/>.</summary>
    public static Dictionary<string, string> Expected(IEnumerable<string> ports, string tcp, string udp, params (string Port, string State)[] exceptions)
    {
        var expected = ports.ToDictionary(p => p, p => p.EndsWith("/tcp", StringComparison.Ordinal) ? tcp : udp, StringComparer.Ordinal);
        foreach (var (port, state) in exceptions)
            expected[port] = state;
        return expected;
    }

    /// <summary>The truth of a topology: every scanned port in <paramref name="tcp"/> or <paramref name="udp"/> state, except <paramref name="exceptions"/>.</summary>
    public static Dictionary<string, string> Expected(string tcp, string udp, params (string Port, string State)[] exceptions)
    {
        var expected = Reflector.Exposure.ExposureOptions.DefaultPorts
            .Concat(RtpPorts.Select(p => $"{p}/udp"))
            .ToDictionary(p => p, p => p.EndsWith("/tcp", StringComparison.Ordinal) ? tcp : udp, StringComparer.Ordinal);
        foreach (var (port, state) in exceptions)
            expected[port] = state;
        return expected;
    }

    public static string Describe(IReadOnlyDictionary<string, string> states) =>
        string.Join(", ", states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"));

    public static string Describe(ProbeObservation observation) =>
        $"outcome {observation.Outcome}, findings [{string.Join(", ", observation.Findings)}], error {observation.Error}, facts {{{string.Join("; ", observation.Facts.Select(f => $"{f.Key}={f.Value}"))}}}";

    /// <summary>
    /// Starts the Reflector, runs the exposure probe from the client, and checks its scan against
    /// <paramref name="truth"/> and against nmap (<c>-sT -sU</c> from the Reflector's namespace on the same ports), and that
    /// the Reflector sent nothing to any address but the router's WAN address that asked.
    /// </summary>
    public static async Task<(ProbeObservation Observation, Dictionary<string, string> States)> ScanAndCompareWithNmapAsync(
        RouterTopology net, ITestOutputHelper output, Dictionary<string, string> truth, params (string Name, string Value)[] parameters) =>
        await ScanAndCompareWithNmapAsync(net, output, truth, nmapDefaultTiming: false, parameters);

    /// <summary>As the overload without it; with <paramref name="nmapDefaultTiming"/> nmap runs with its own timing and retries (<see cref="Nmap.ScanAsync"/>).</summary>
    public static async Task<(ProbeObservation Observation, Dictionary<string, string> States)> ScanAndCompareWithNmapAsync(
        RouterTopology net, ITestOutputHelper output, Dictionary<string, string> truth, bool nmapDefaultTiming, params (string Name, string Value)[] parameters)
    {
        await using var reflector = await StartAsync(net);
        net.CountReflectorOutput();

        var observation = await ProbeAsync(net, parameters);
        var states = States(observation);
        output.WriteLine($"scan:  {Describe(states)}");
        output.WriteLine($"probe: {Describe(observation)}");

        Assert.True(truth.Count == states.Count && truth.All(t => states.GetValueOrDefault(t.Key) == t.Value),
            $"the scan is not the truth:\n  truth {Describe(truth)}\n  scan  {Describe(states)}\n{Describe(observation)}\n{reflector.Output}");
        Assert.Equal(RouterTopology.RouterWan, observation.Facts["public_address"]);
        Assert.Equal(truth.Count, observation.Measurements["ports_scanned"]);

        // Everything the Reflector sent went to the address that asked, and to no other.
        Assert.Equal(0, net.OutputCount("fm-elsewhere"));
        Assert.True(net.OutputCount("fm-syn-requester") >= truth.Keys.Count(p => p.EndsWith("/tcp", StringComparison.Ordinal)));

        var nmap = new Dictionary<string, string>(await Nmap.ScanAsync(net.Internet, RouterTopology.RouterWan, states.Keys, defaultTiming: nmapDefaultTiming));
        output.WriteLine($"nmap:  {Describe(nmap)}");

        // open|filtered is nmap's "no answer", closed needs the router's port-unreachable. Where the router's ICMP rate limit
        // (about one a second to us) ate that answer, nmap asks those ports again one at a time, paced to the limit, a
        // few rounds at most: a port it still hears nothing from stays open|filtered, and so fails against the scan.
        for (var round = 1; round <= Nmap.PacedRounds; round++)
        {
            var unanswered = nmap.Where(n => n.Value == ExposurePortState.OpenFiltered && n.Key.EndsWith("/udp", StringComparison.Ordinal)
                && states.GetValueOrDefault(n.Key) == ExposurePortState.Closed).Select(n => n.Key).ToArray();
            if (unanswered.Length == 0)
                break;
            foreach (var (port, state) in await Nmap.ScanAsync(net.Internet, RouterTopology.RouterWan, unanswered, pacedToIcmpLimit: true))
                nmap[port] = state;
            output.WriteLine($"nmap paced (round {round}) on {string.Join(", ", unanswered)}: {Describe(nmap)}");
        }

        // nmap 7.93's plain UDP scan has no SIP payload: it sends 5060 an empty datagram, which a SIP server ignores.
        // Where it says open|filtered and the scan open, nmap's version detection (its own SIPOptions probe) decides.
        var undecided = nmap.Where(n => n.Value == ExposurePortState.OpenFiltered && states.GetValueOrDefault(n.Key) == ExposurePortState.Open).Select(n => n.Key).ToArray();
        if (undecided.Length > 0)
        {
            foreach (var (port, state) in await Nmap.ScanAsync(net.Internet, RouterTopology.RouterWan, undecided, versionDetection: true))
                nmap[port] = state;
            output.WriteLine($"nmap -sV on {string.Join(", ", undecided)}: {Describe(nmap)}");
        }
        Assert.True(nmap.Count == states.Count && nmap.All(n => states.GetValueOrDefault(n.Key) == n.Value),
            $"the scan and nmap disagree:\n  nmap {Describe(nmap)}\n  scan {Describe(states)}");
        return (observation, states);
    }
}
