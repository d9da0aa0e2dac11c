using System.Collections.Concurrent;
using System.Diagnostics;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>
/// The built FleetMonitor.Reflector (copied beside the tests) running as a child process inside a network namespace,
/// started with <c>ip netns exec</c> and configured on its command line. Disposing kills it.
/// </summary>
internal sealed class ReflectorProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReflectorProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the process wrote so far, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts the Reflector in <paramref name="ns"/> with its echo on <paramref name="endpoint"/> and waits until the echo listens.</summary>
    public static async Task<ReflectorProcess> StartAsync(string ns, string endpoint, params string[] settings)
    {
        var info = new ProcessStartInfo(NetnsPrerequisites.Ip)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "netns", "exec", ns, Command.Dotnet, Path.Combine(AppContext.BaseDirectory, "FleetMonitor.Reflector.dll"),
            $"--Reflector:Echo:Endpoints:0={endpoint}",
            // Kestrel (for /metrics and /health) on the namespace's own loopback, on any free port.
            "--urls", "http://127.0.0.1:0",
            .. settings,
        ];
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);

        var process = new Process { StartInfo = info };
        var reflector = new ReflectorProcess(process);
        process.OutputDataReceived += (_, e) => reflector.Line(e.Data);
        process.ErrorDataReceived += (_, e) => reflector.Line(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var started = await Task.WhenAny(reflector._listening.Task, exited, Task.Delay(StartLimit));
        if (started != reflector._listening.Task)
        {
            var output = reflector.Output;
            await reflector.DisposeAsync();
            Assert.Fail(started == exited
                ? $"the Reflector exited before its echo listened:\n{output}"
                : $"the Reflector's echo did not listen within {StartLimit}:\n{output}");
        }

        return reflector;
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.KillAsync(_process, "the Reflector");

        _process.Dispose();
    }

    private void Line(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        if (line.Contains("UDP echo listening on", StringComparison.Ordinal))
            _listening.TrySetResult();
    }
}
