using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>
/// The built Ingestion service as a process of its own, as it runs in production (its CPU and memory are then its
/// own, apart from the simulated agents'), on the bench's vhost and database.
/// </summary>
internal sealed class IngestionService : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private IngestionService(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ProcessId => _process.Id;

    /// <summary>Where its HTTP endpoints (/health, /metrics) answer.</summary>
    public Uri Address => _http.BaseAddress ?? throw new InvalidOperationException("not started");

    /// <summary>Starts it; <paramref name="settings"/> are further configuration keys (<c>Section__Key</c>, as environment variables).</summary>
    public static async Task<IngestionService> StartAsync(BenchEnvironment environment, IReadOnlyDictionary<string, string>? settings = null)
    {
        // The Ingestion built with the benchmark (a project reference: its runtimeconfig and deps come along).
        var dll = Path.Combine(AppContext.BaseDirectory, "FleetMonitor.Ingestion.dll");
        if (!File.Exists(dll) || !File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"{dll} or its runtimeconfig.json is missing: build the benchmark with -c Release first");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.WorkingDirectory = Path.GetDirectoryName(dll)!;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Storage__Provider"] = "PostgreSql";
        start.Environment["Storage__ConnectionString"] = environment.ConnectionString;
        start.Environment["Bus__Transport"] = "RabbitMq";
        start.Environment["Bus__Host"] = BenchEnvironment.Host;
        start.Environment["Bus__VirtualHost"] = environment.Vhost;
        start.Environment["Bus__Username"] = BenchEnvironment.User;
        start.Environment["Bus__Password"] = BenchEnvironment.Password;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var service = new IngestionService(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        try
        {
            var url = await service._url.Task.WaitAsync(TimeSpan.FromMinutes(2));
            service._http.BaseAddress = new Uri(url);
            var started = Stopwatch.GetTimestamp();
            while (!await service.HealthyAsync())
            {
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException("Ingestion did not report healthy");
                }

                await Task.Delay(200);
            }
        }
        catch (Exception e)
        {
            await service.DisposeAsync();
            throw new InvalidOperationException($"Ingestion did not start: {e.Message}{Environment.NewLine}{service.Tail()}", e);
        }

        return service;
    }

    /// <summary>Ingestion's Prometheus metrics: each series ("name{labels}") with its value.</summary>
    public async Task<Dictionary<string, double>> MetricsAsync()
    {
        var text = await _http.GetStringAsync("/metrics");
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..space]] = value;
            }
        }

        return values;
    }

    public string Tail() => string.Join(Environment.NewLine, _output);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: a graceful stop, as a container runtime does.
            Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(stopped.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        _http.Dispose();
    }

    private async Task<bool> HealthyAsync()
    {
        try
        {
            return (await _http.GetAsync("/health")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        const string Listening = "Now listening on: ";
        var at = line.IndexOf(Listening, StringComparison.Ordinal);
        if (at >= 0)
        {
            _url.TrySetResult(line[(at + Listening.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }
}
