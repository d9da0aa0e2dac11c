using System.Diagnostics;
using System.Text;

namespace FleetMonitor.Probes.Tests.Support;

/// <summary>
/// A real peer from a Debian package (dnsmasq, kamailio, sipsak) run as a child process of the test, its output kept
/// for failure messages, and its whole process tree killed on dispose.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private const int MaxLogChars = 16 * 1024;
    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private PeerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>What the peer printed so far (the end of it when it printed a lot).</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>The full path of <paramref name="name"/>; fails the test, naming the script that installs it, when missing.</summary>
    public static string Require(string name, string package)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
        return path ?? throw new InvalidOperationException(
            $"'{name}' (Debian package {package}) is not installed; this test needs it as a real peer: run `bash scripts/peers.sh`");
    }

    public static PeerProcess Start(string path, IEnumerable<string> arguments)
    {
        var process = new Process { StartInfo = StartInfo(path, arguments) };
        process.Start();
        return new PeerProcess(process);
    }

    /// <summary>Runs a client such as sipsak to its end (killed after <paramref name="timeout"/>); its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string path, IEnumerable<string> arguments, TimeSpan timeout)
    {
        await using var peer = Start(path, arguments);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await peer._process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Path.GetFileName(path)} did not finish within {timeout}: {peer.Log}");
        }

        return (peer._process.ExitCode, peer.Log);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // It ended on its own in between, or will end without us.
        }

        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(string path, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        return info;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
        {
            _log.AppendLine(line);
            if (_log.Length > MaxLogChars)
                _log.Remove(0, _log.Length - MaxLogChars);
        }
    }
}
