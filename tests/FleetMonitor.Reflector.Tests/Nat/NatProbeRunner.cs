using System.Globalization;
using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>Runs our <c>nat</c> probe with FleetMonitor.Probes.NetnsRunner (copied beside the tests) in the client namespace.</summary>
internal static class NatProbeRunner
{
    // Beyond the probe's own timeout: a bound for a runner that hangs (starting dotnet in a namespace took more than
    // 30 s at a load of 90).
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(120);

    public static async Task<ProbeObservation> RunAsync(NatTopology net, string target, TimeSpan timeout, IReadOnlyDictionary<string, string> parameters)
    {
        string[] arguments =
        [
            "netns", "exec", net.Client, Command.Dotnet, Path.Combine(AppContext.BaseDirectory, "FleetMonitor.Probes.NetnsRunner.dll"),
            "probe", "nat", target,
            "--timeout-ms", ((int)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            .. parameters.SelectMany(p => new[] { $"--{p.Key}", p.Value }),
        ];
        var json = await Command.RunAsync(timeout + Slack, NetnsPrerequisites.Ip, arguments);
        return JsonSerializer.Deserialize<ProbeObservation>(json, WireFormat.Options)
            ?? throw new InvalidOperationException($"the runner printed no observation: {json}");
    }
}
