using System.Globalization;
using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Probes.NetnsRunner;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>Runs FleetMonitor.Probes.NetnsRunner (copied beside the tests) inside a network namespace and reads its JSON.</summary>
internal static class NetnsRunner
{
    // A bound for a process that hangs: starting dotnet in a namespace took more than 40 s at a load of 90.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private static string RunnerDll => Path.Combine(AppContext.BaseDirectory, "FleetMonitor.Probes.NetnsRunner.dll");

    /// <summary>Runs the media probe from <paramref name="ns"/> against <paramref name="target"/>.</summary>
    public static async Task<ProbeObservation> MediaProbeAsync(
        string ns, string target, TimeSpan timeout, IReadOnlyDictionary<string, string> parameters)
    {
        string[] arguments =
        [
            "netns", "exec", ns, Command.Dotnet, RunnerDll, "probe", "media", target,
            "--timeout-ms", ((int)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            .. parameters.SelectMany(p => new[] { $"--{p.Key}", p.Value }),
        ];
        var json = await Command.RunAsync(timeout + Limit, NetnsPrerequisites.Ip, arguments);
        return JsonSerializer.Deserialize<ProbeObservation>(json, WireFormat.Options)
            ?? throw new InvalidOperationException($"the runner printed no observation: {json}");
    }

    /// <summary>Sends <paramref name="datagrams"/> one by one from <paramref name="ns"/> and collects the replies to each.</summary>
    public static async Task<SendReport> SendAsync(string ns, string target, IEnumerable<byte[]> datagrams, int fromPort = 0, int waitMs = 300)
    {
        string[] arguments =
        [
            "netns", "exec", ns, Command.Dotnet, RunnerDll, "send", target,
            "--from-port", fromPort.ToString(CultureInfo.InvariantCulture),
            "--wait-ms", waitMs.ToString(CultureInfo.InvariantCulture),
            .. datagrams.Select(Convert.ToHexString),
        ];
        var json = await Command.RunAsync(Limit, NetnsPrerequisites.Ip, arguments);
        return JsonSerializer.Deserialize<SendReport>(json, WireFormat.Options)
            ?? throw new InvalidOperationException($"the runner printed no report: {json}");
    }
}
