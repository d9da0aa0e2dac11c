using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace FleetMonitor.Alerting.Tests.Support;

/// <summary>A service started as its own process (as production runs it); its output is kept for failure messages.</summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

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

    public static ChildProcess Start(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start"));
    }

    /// <summary>The HTTP address ASP.NET Core reports listening on (the service was started with port 0).</summary>
    public Task<Uri> ListeningAddressAsync(TimeSpan within) => Eventually.WaitAsync(
        () =>
        {
            Assert.False(HasExited, $"The process exited:\n{Output}");
            var match = ListeningPattern().Match(Output);
            return Task.FromResult(match.Success ? new Uri(match.Groups[1].Value) : null);
        },
        uri => uri is not null,
        within,
        "the service listening")!;

    /// <summary>Kills the process at once, as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    [GeneratedRegex(@"Now listening on: (http://[0-9.:]+)")]
    private static partial Regex ListeningPattern();
}
