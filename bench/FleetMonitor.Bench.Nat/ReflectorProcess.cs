using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace FleetMonitor.Bench.Nat;

/// <summary>The built Reflector (copied beside the bench) as a child process, optionally inside a network namespace, with its STUN server on two addresses.</summary>
internal sealed class ReflectorProcess : IAsyncDisposable
{
    public const string Username = "bench-agent";
    public const string Password = "bench-password-0123456789";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ReflectorProcess(Process process) => _process = process;

    public static async Task<ReflectorProcess> StartAsync(string? ns, string primary, string alternate, int primaryPort, int alternatePort)
    {
        string[] reflector =
        [
            Shell.Dotnet, Path.Combine(AppContext.BaseDirectory, "FleetMonitor.Reflector.dll"),
            "--urls", "http://127.0.0.1:0",
            "--Reflector:Echo:Endpoints:0=127.0.0.1:0",
            $"--Reflector:Stun:PrimaryAddress={primary}",
            $"--Reflector:Stun:AlternateAddress={alternate}",
            $"--Reflector:Stun:PrimaryPort={primaryPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Reflector:Stun:AlternatePort={alternatePort.ToString(CultureInfo.InvariantCulture)}",
            $"--Reflector:Agents:Credentials:0:Username={Username}",
            $"--Reflector:Agents:Credentials:0:Password={Password}",
            // The bench runs many verdicts from one address in a row.
            "--Reflector:Stun:PacketsPerSecondPerSource=1000", "--Reflector:Stun:BurstPerSource=1000",
        ];
        string[] command = ns is null ? reflector : ["ip", "netns", "exec", ns, .. reflector];
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command[1..])
            info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        var server = new ReflectorProcess(process);
        process.OutputDataReceived += (_, e) => server.Line(e.Data);
        process.ErrorDataReceived += (_, e) => server.Line(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var waited = Stopwatch.StartNew();
        while (server._output.Count(l => l.Contains("STUN server listening on", StringComparison.Ordinal)) < 4)
        {
            if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"the Reflector did not start its STUN server:\n{string.Join('\n', server._output)}");
            }

            await Task.Delay(50);
        }

        return server;
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

    private void Line(string? line)
    {
        if (line is not null)
            _output.Enqueue(line);
    }
}
