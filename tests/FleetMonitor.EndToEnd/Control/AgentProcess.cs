using System.Diagnostics;
using System.Text;

namespace FleetMonitor.EndToEnd.Control;

/// <summary>The agent as a real process (<c>dotnet FleetMonitor.Agent.dll ...</c>), configured by environment variables, its output kept for failure messages.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AgentProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>The environment of an agent configured by hand for a site, taking its schedule from the control plane.</summary>
    public static Dictionary<string, string> ControlEnvironment(string agentId, string site, string brokerUri, string folder, string outbox) => new()
    {
        ["Agent__AgentId"] = agentId,
        ["Agent__SiteId"] = site,
        ["Agent__Broker__Uri"] = brokerUri,
        ["Agent__Broker__DeclareExchange"] = "true",
        ["Agent__OutboxPath"] = Path.Combine(folder, outbox),
        ["Agent__HeartbeatInterval"] = "00:00:01",
        ["Agent__MaxSplay"] = "00:00:00",
        ["Agent__Control__Enabled"] = "true",
        ["Agent__Control__DeclareQueue"] = "true",
        ["Agent__Control__ScheduleCachePath"] = Path.Combine(folder, agentId + "-schedule.json"),
    };

    /// <summary>
    /// The agent's own build output (bin/CONFIGURATION/TFM beside this test's): copied into this test's folder it would
    /// run with the test's dependency set, which lacks what the agent needs.
    /// </summary>
    public static string AgentAssembly
    {
        get
        {
            var ours = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = ours.Name;
            var configuration = ours.Parent!.Name;
            var root = ours.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            var path = Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_AGENT_DLL")
                ?? Path.Combine(root, "agents", "FleetMonitor.Agent", "bin", configuration, framework, "fleetmonitor-agent.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"The agent is not built at {path}: dotnet build agents/FleetMonitor.Agent -c {configuration}", path);
        }
    }

    public static AgentProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AgentAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Information";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var agent = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>Waits for the process to end by itself; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
