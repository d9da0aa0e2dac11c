using System.Collections.Concurrent;
using System.Diagnostics;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>
/// A server process (the built Reflector, coturn's turnserver) running in the foreground inside a network namespace as a
/// child of the test, started with <c>ip netns exec</c> (which execs it, so killing the child kills the server).
/// Disposing kills it and waits for it to exit.
/// </summary>
internal sealed class NamespacedServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private NamespacedServer(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Everything the server printed so far, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    public static NamespacedServer Start(string ns, string name, string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(NetnsPrerequisites.Ip)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["netns", "exec", ns, file, .. arguments])
            info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        var server = new NamespacedServer(process, name);
        process.OutputDataReceived += (_, e) => server.Line(e.Data);
        process.ErrorDataReceived += (_, e) => server.Line(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits (polling, bounded by <paramref name="limit"/>) until <paramref name="ready"/> holds; fails with the server's output otherwise.</summary>
    public async Task WaitUntilAsync(Func<NamespacedServer, bool> ready, TimeSpan limit, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!ready(this))
        {
            if (_process.HasExited)
                Assert.Fail($"{Name} exited with {_process.ExitCode} before {what}:\n{Output}");
            if (waited.Elapsed > limit)
                Assert.Fail($"{Name}: not {what} within {limit}:\n{Output}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.KillAsync(_process, Name);

        _process.Dispose();
    }

    private void Line(string? line)
    {
        if (line is not null)
            _output.Enqueue(line);
    }
}
