using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>
/// A long-running program (kamailio, miniupnpd, dnsmasq) in the foreground inside a network namespace, started with
/// <c>ip netns exec</c> as a child of the test; disposing kills it (<c>ip netns exec</c> execs the program, so its id is
/// the program's).
/// </summary>
internal sealed class NetnsDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private string? _ownedDirectory;

    private NetnsDaemon(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the program printed so far, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    /// <summary>The daemon's process id (<c>ip netns exec</c> replaces itself with the daemon).</summary>
    public int Id => _process.Id;

    /// <summary>Starts <paramref name="file"/> in <paramref name="ns"/>; fails with the command naming the package when it is not installed.</summary>
    public static NetnsDaemon Start(string ns, string file, string package, params string[] arguments)
    {
        var path = Command.Find(file);
        if (path is null)
            Assert.Fail($"{file} is not installed: run `bash scripts/peers.sh` (it installs {package} from scripts/test-packages.txt)");
        var info = new ProcessStartInfo(NetnsPrerequisites.Ip)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["netns", "exec", ns, path, .. arguments])
            info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        var daemon = new NetnsDaemon(process);
        process.OutputDataReceived += (_, e) => daemon.Line(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Line(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>A directory of the program's own (configuration, pid file), deleted once the program is gone.</summary>
    public NetnsDaemon Owning(string directory)
    {
        _ownedDirectory = directory;
        return this;
    }

    /// <summary>Waits until <paramref name="ready"/> holds (polled every 50 ms, at most <paramref name="limit"/>); fails with the output when the program exits or time runs out.</summary>
    public async Task WaitUntilAsync(string what, Func<bool> ready, TimeSpan limit)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!ready())
        {
            if (_process.HasExited)
                Assert.Fail($"{what}: the program exited with {_process.ExitCode}:\n{Output}");
            if (stopwatch.Elapsed > limit)
                Assert.Fail($"{what}: not ready within {limit}:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>True when a TCP connection from <paramref name="ns"/> to <paramref name="endpoint"/> is accepted.</summary>
    public static bool Accepts(string ns, IPEndPoint endpoint)
    {
        using var socket = NetnsSockets.Create(ns, endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            return socket.ConnectAsync(endpoint).Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.KillAsync(_process, Path.GetFileName(_process.StartInfo.ArgumentList.ElementAtOrDefault(3) ?? "a daemon"));

        _process.Dispose();
        if (_ownedDirectory is not null && Directory.Exists(_ownedDirectory))
            Directory.Delete(_ownedDirectory, recursive: true);
    }

    private void Line(string? line)
    {
        if (line is not null)
            _output.Enqueue(line);
    }
}
