using System.Globalization;
using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>Runs any probe of the default catalog with FleetMonitor.Probes.NetnsRunner inside a network namespace (as <see cref="NetnsRunner"/> does for the media probe).</summary>
internal static class NetnsProbe
{
    // Beyond the probe's own timeout: a bound for a runner that hangs (starting dotnet in a namespace took more than
    // 30 s at a load of 90).
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(120);

    public static async Task<ProbeObservation> RunAsync(
        string ns, string kind, string target, TimeSpan timeout, IReadOnlyDictionary<string, string> parameters)
    {
        string[] arguments =
        [
            "netns", "exec", ns, Command.Dotnet, Path.Combine(AppContext.BaseDirectory, "FleetMonitor.Probes.NetnsRunner.dll"),
            "probe", kind, target,
            "--timeout-ms", ((int)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            .. parameters.SelectMany(p => new[] { $"--{p.Key}", p.Value }),
        ];
        var json = await Command.RunAsync(timeout + Slack, NetnsPrerequisites.Ip, arguments);
        return JsonSerializer.Deserialize<ProbeObservation>(json, WireFormat.Options)
            ?? throw new InvalidOperationException($"the runner printed no observation: {json}");
    }
}
