using System.Diagnostics;

namespace FleetMonitor.Agent.Tests.Support;

/// <summary>
/// Runs the agent as a process, as support staff and service managers do: the Native AOT binary named by
/// FLEETMONITOR_AGENT_BINARY (scripts/test.sh publishes it), else the build output through <c>dotnet</c>.
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private AgentProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static string? AotBinary => Environment.GetEnvironmentVariable("FLEETMONITOR_AGENT_BINARY") is { Length: > 0 } path ? Path.GetFullPath(path) : null;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static AgentProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = AotBinary is { } binary
            ? new ProcessStartInfo(binary)
            : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "fleetmonitor-agent.dll") } };
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new AgentProcess(Process.Start(start) ?? throw new InvalidOperationException("the agent did not start"));
    }

    /// <summary>Runs a command to its end (bounded generously) and returns its exit code and output.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] args)
    {
        await using var agent = Start(workingDirectory, null, args);
        return await agent.WaitAsync(TimeSpan.FromMinutes(2));
    }

    public async Task<(int Code, string Stdout, string Stderr)> WaitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        await _process.WaitForExitAsync(timeout.Token);
        return (_process.ExitCode, await _stdout, await _stderr);
    }

    /// <summary>SIGKILL: no chance to flush or clean up.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task<string> StderrAsync() => await _stderr;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
