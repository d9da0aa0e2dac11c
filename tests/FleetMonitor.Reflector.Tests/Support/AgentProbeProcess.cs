using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FleetMonitor.Contracts;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>
/// The agent's one-shot <c>probe KIND TARGET [OPTIONS]</c> command (fleetmonitor-agent.dll, copied beside the tests) run
/// in a network namespace. <c>ip netns exec</c> replaces itself with the agent, so <see cref="Id"/> is the agent's pid.
/// </summary>
internal sealed class AgentProbeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private AgentProbeProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static AgentProbeProcess Start(string netns, string kind, string target, params string[] options)
    {
        var info = new ProcessStartInfo(NetnsPrerequisites.Ip) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["netns", "exec", netns, .. AgentCommand(), "probe", kind, target, .. options])
        {
            info.ArgumentList.Add(argument);
        }

        return new AgentProbeProcess(Process.Start(info) ?? throw new InvalidOperationException("the agent did not start"));
    }

    /// <summary>
    /// The agent as it ships (FLEETMONITOR_AGENT_BINARY, the Native AOT file scripts/test.sh publishes), else the agent
    /// project's own build output through dotnet: beside these tests its dependencies resolve as a web app's, not its own.
    /// </summary>
    private static string[] AgentCommand()
    {
        if (Environment.GetEnvironmentVariable("FLEETMONITOR_AGENT_BINARY") is { Length: > 0 } binary)
        {
            return [Path.GetFullPath(binary)];
        }

        var build = new DirectoryInfo(AppContext.BaseDirectory); // tests/<project>/bin/<Configuration>/<tfm>/
        var repository = build;
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "FleetMonitor.sln")))
        {
            repository = repository.Parent;
        }

        var dll = Path.Combine(
            repository?.FullName ?? throw new InvalidOperationException("FleetMonitor.sln not found above " + AppContext.BaseDirectory),
            "agents", "FleetMonitor.Agent", "bin", build.Parent!.Name, build.Name, "fleetmonitor-agent.dll");
        return File.Exists(dll) ? [Command.Dotnet, dll] : throw new InvalidOperationException($"{dll} is missing: build the agent first");
    }

    public static async Task<ProbeCompleted> RunAsync(string netns, TimeSpan limit, string kind, string target, params string[] options)
    {
        using var agent = Start(netns, kind, target, options);
        return await agent.ResultAsync(limit);
    }

    public void Signal(string signal) => Command.Run("kill", "-" + signal, Id.ToString(CultureInfo.InvariantCulture));

    /// <summary>The result the agent printed (exit 0 ok, 1 degraded/failed/error); anything else fails with its error output.</summary>
    public async Task<ProbeCompleted> ResultAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the agent's probe did not finish within {limit}");
        }

        var (stdout, stderr) = (await _stdout, await _stderr);
        if (_process.ExitCode is not (0 or 1))
            throw new InvalidOperationException($"the agent exited with {_process.ExitCode}: {stderr.Trim()}");
        return JsonSerializer.Deserialize<ProbeCompleted>(stdout, WireFormat.Options)
            ?? throw new InvalidOperationException($"the agent printed no result: {stdout} {stderr}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Command.TryRun("kill", "-CONT", Id.ToString(CultureInfo.InvariantCulture));
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
