using System.Collections.Concurrent;
using System.Diagnostics;
using FleetMonitor.Storage;

namespace FleetMonitor.EndToEnd.Support;

/// <summary>
/// The built Ingestion service as a process of its own (so that a test can kill -9 it), configured through
/// environment variables as a container would be; its output is kept for a failing test's message.
/// </summary>
public sealed class IngestionProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private IngestionProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts Ingestion on <paramref name="vhost"/>; with <paramref name="clusterNodes"/> it connects to
    /// <paramref name="port"/> first and to those nodes (host:port) after.
    /// </summary>
    public static IngestionProcess Start(
        RabbitMqVhost vhost, StorageDialect dialect, string connectionString, int? port = null, IReadOnlyList<string>? clusterNodes = null)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/<tfm>/
        var dll = Path.Combine(RepositoryRoot.Path, "services", "FleetMonitor.Ingestion", "bin", configuration, "net10.0", "FleetMonitor.Ingestion.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the test project (it builds Ingestion) first");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);

        // Its own folder as the content root (the test's folder holds other services' appsettings.json), and the
        // address on the command line, which no appsettings.json overrides: several instances side by side.
        start.WorkingDirectory = Path.GetDirectoryName(dll)!;
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Storage__Provider"] = dialect.ToString();
        start.Environment["Storage__ConnectionString"] = connectionString;
        start.Environment["Bus__Transport"] = "RabbitMq";
        start.Environment["Bus__Host"] = RabbitMqVhost.Host;
        start.Environment["Bus__Port"] = (port ?? vhost.Port).ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < clusterNodes?.Count; i++)
        {
            start.Environment[$"Bus__ClusterNodes__{i}"] = clusterNodes[i];
        }

        start.Environment["Bus__VirtualHost"] = vhost.Name;
        start.Environment["Bus__Username"] = RabbitMqVhost.User;
        start.Environment["Bus__Password"] = RabbitMqVhost.Password;
        return new IngestionProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>SIGKILL: no shutdown code runs; whatever was in flight is unacknowledged at the broker.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public string Tail() => string.Join(Environment.NewLine, _output);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 300 && _output.TryDequeue(out _))
        {
        }
    }
}
