using System.Diagnostics;
using System.Net;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;

namespace FleetMonitor.EndToEnd.Server;

/// <summary>
/// Ingestion and the Api started as `dotnet run` starts them (content root in the project folder, no address given)
/// listen on their own default ports, side by side, and read their appsettings.json (no per-request log lines).
/// </summary>
public sealed class DefaultPortsTests
{
    [Fact]
    public async Task Ingestion_and_the_Api_start_side_by_side_on_their_own_default_ports_with_quiet_request_logging()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        // One site, so that the Api has a fleet gauge to show (no site, no series).
        Assert.True(await new SiteStore(database.Database, TimeProvider.System).CreateAsync("site-ports", "Ports", "UTC", CancellationToken.None));
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Storage__Provider"] = "PostgreSql",
            ["Storage__ConnectionString"] = database.ConnectionString,
            ["Access__CreateFirstAdmin"] = "false",
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__Host"] = RabbitMqVhost.Host,
            ["Bus__Port"] = vhost.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Bus__VirtualHost"] = vhost.Name,
            ["Bus__Username"] = RabbitMqVhost.User,
            ["Bus__Password"] = RabbitMqVhost.Password,
        };

        using var ingestion = new ServiceProcess("FleetMonitor.Ingestion", environment);
        using var api = new ServiceProcess("FleetMonitor.Api", environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        foreach (var (service, url, series) in new[]
        {
            (ingestion, "http://localhost:5082", "# TYPE fleetmonitor_fleet_results_total counter"),
            (api, "http://localhost:5081", "fleetmonitor_fleet_agents{site=\"site-ports\",class=\"ok\"} 0"),
        })
        {
            await Eventually.WaitAsync(
                async () =>
                {
                    Assert.False(service.HasExited, $"{service.Name} exited:\n{service.Output}");
                    try
                    {
                        return (await http.GetAsync($"{url}/alive")).StatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return HttpStatusCode.ServiceUnavailable;
                    }
                },
                status => status == HttpStatusCode.OK,
                TimeSpan.FromMinutes(2),
                $"{service.Name} answering on {url}",
                () => Task.FromResult(service.Output));
            await Eventually.WaitAsync(
                () => http.GetStringAsync($"{url}/metrics"), text => text.Contains(series, StringComparison.Ordinal), TimeSpan.FromMinutes(1), $"{series} on {url}/metrics", () => Task.FromResult(service.Output));
        }

        Assert.False(ingestion.HasExited, ingestion.Output);
        Assert.False(api.HasExited, api.Output);
        ingestion.Stop();
        api.Stop();
        Assert.DoesNotContain("Request starting", ingestion.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", api.Output, StringComparison.Ordinal);
        Assert.Contains("localhost:5082", ingestion.Output, StringComparison.Ordinal);
    }

    private sealed class ServiceProcess : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();

        public ServiceProcess(string name, IReadOnlyDictionary<string, string> environment)
        {
            Name = name;
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/<tfm>/
            var project = Path.Combine(RepositoryRoot.Path, "services", name);
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = project,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(project, "bin", configuration, "net10.0", $"{name}.dll"));
            start.Environment.Remove("ASPNETCORE_URLS");
            start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
            start.Environment.Remove("URLS");
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            _process.OutputDataReceived += (_, e) => Keep(e.Data);
            _process.ErrorDataReceived += (_, e) => Keep(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Name { get; }

        public bool HasExited => _process.HasExited;

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

        public void Stop()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Stop();
            _process.Dispose();
        }

        private void Keep(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
