using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using RabbitMQ.Client;

namespace FleetMonitor.EndToEnd.Server;

/// <summary>
/// Ingestion and the Api started as `dotnet run` starts them (content root in the project folder, no address given)
/// listen on their own default ports, side by side, and read their appsettings.json (no per-request log lines); a real
/// Prometheus scraping them and the Reflector answers every query of the Grafana dashboards. The tests of this class run one after the
/// other (one xunit class), as both use the fixed default ports.
/// </summary>
public sealed partial class DefaultPortsTests
{
    [Fact]
    public async Task Ingestion_and_the_Api_start_side_by_side_on_their_own_default_ports_with_quiet_request_logging()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        // One site, so that the Api has a fleet gauge to show (no site, no series).
        Assert.True(await new SiteStore(database.Database, TimeProvider.System).CreateAsync("site-ports", "Ports", "UTC", CancellationToken.None));
        var environment = Environment(vhost, database);

        using var ingestion = new ServiceProcess("FleetMonitor.Ingestion", environment);
        using var api = new ServiceProcess("FleetMonitor.Api", environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        foreach (var (service, url, series) in new[]
        {
            (ingestion, "http://localhost:5082", "# TYPE fleetmonitor_fleet_results_total counter"),
            (api, "http://localhost:5081", "fleetmonitor_fleet_agents{site=\"site-ports\",class=\"ok\"} 0"),
        })
        {
            await WaitAliveAsync(http, service, url);
            await Eventually.WaitAsync(
                () => GetOrEmptyAsync(http, $"{url}/metrics"), text => text.Contains(series, StringComparison.Ordinal), TimeSpan.FromMinutes(1), $"{series} on {url}/metrics", () => Task.FromResult(service.Output));
        }

        Assert.False(ingestion.HasExited, ingestion.Output);
        Assert.False(api.HasExited, api.Output);
        ingestion.Stop();
        api.Stop();
        Assert.DoesNotContain("Request starting", ingestion.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", api.Output, StringComparison.Ordinal);
        Assert.Contains("localhost:5082", ingestion.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reflector_serves_agents_on_its_public_port_and_metrics_and_health_only_on_its_management_port()
    {
        using var reflector = new ServiceProcess("FleetMonitor.Reflector", new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Reflector__Echo__Endpoints__0"] = "127.0.0.1:0",
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await WaitAliveAsync(http, reflector, "http://localhost:5085");

        var metrics = await http.GetAsync("http://localhost:5085/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("process_cpu_seconds_total", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("http://localhost:5085/health")).StatusCode);

        // The public port: the agents' exposure-scan endpoint, nothing of the management side.
        foreach (var path in new[] { "/metrics", "/health", "/alive", "/METRICS" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://localhost:5084{path}")).StatusCode);
        }

        using var unsigned = new StringContent("{}", Encoding.UTF8, "application/json");
        var scan = await http.PostAsync($"http://localhost:5084{FleetMonitor.Protocols.Exposure.ExposureScanProtocol.Path}", unsigned);
        Assert.Equal(HttpStatusCode.BadRequest, scan.StatusCode); // there, and refusing an empty request
        Assert.False(reflector.HasExited, reflector.Output);
    }

    [Fact]
    public async Task Every_grafana_panel_query_returns_data_from_a_real_prometheus_scraping_ingestion_the_api_and_the_reflector()
    {
        const string site = "site-prom";
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var environment = Environment(vhost, database);
        environment["Fleet__MetricsInterval"] = "00:00:01";
        using var ingestion = new ServiceProcess("FleetMonitor.Ingestion", environment);
        using var api = new ServiceProcess("FleetMonitor.Api", environment);
        using var reflector = new ServiceProcess("FleetMonitor.Reflector", new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Reflector__Echo__Endpoints__0"] = "127.0.0.1:0",
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await WaitAliveAsync(http, ingestion, "http://localhost:5082");
        await WaitAliveAsync(http, api, "http://localhost:5081");
        await WaitAliveAsync(http, reflector, "http://localhost:5085");

        // Traffic for the Reflector's panels: a datagram its echo drops as malformed, and a scan request it refuses.
        var echoPort = await Eventually.WaitAsync(
            () => Task.FromResult(EchoListening().Match(reflector.Output) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0),
            port => port > 0, TimeSpan.FromMinutes(1), "the reflector's echo port in its log", () => Task.FromResult(reflector.Output));
        using (var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            await udp.SendAsync("not a media probe packet"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, echoPort));
        }

        using (var unsigned = new StringContent("{}", Encoding.UTF8, "application/json"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync($"http://localhost:5084{FleetMonitor.Protocols.Exposure.ExposureScanProtocol.Path}", unsigned)).StatusCode);
        }

        // A broken, an exposed and an offline agent (its last word ten minutes ago), a media result, and one malformed message.
        var now = TimeProvider.System.GetUtcNow();
        var results = new[]
        {
            Result("agent-broken", "tcp", now, ProbeOutcome.Failed, new Dictionary<string, double>(), ["tcp.refused"]),
            Result("agent-exposed", "exposure", now, ProbeOutcome.Failed, new Dictionary<string, double>(), ["exposure.open.5060/udp"]),
            Result("agent-media", "media", now, ProbeOutcome.Ok, new Dictionary<string, double> { ["mos_plc"] = 4.1, ["loss_ratio"] = 0.01 }, []),
            Result("agent-offline", "tcp", now.AddMinutes(-10), ProbeOutcome.Ok, new Dictionary<string, double>(), []),
        };
        await using (var connection = await vhost.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
            foreach (var result in results)
            {
                await channel.BasicPublishAsync(WireFormat.AgentExchange, $"result.{site}.{result.Kind}", mandatory: true, properties, JsonSerializer.SerializeToUtf8Bytes(result, WireFormat.Options));
            }

            // The offline agent's last heartbeat was sent with its result, ten minutes ago (the fleet view counts an agent as
            // heard from when its last heartbeat was sent, or else when its last result was stored).
            var lastWord = new AgentHeartbeatSent
            {
                SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
                AgentId = "agent-offline",
                SiteId = site,
                SentAt = now.AddMinutes(-10),
                Hostname = "pc-offline",
                AgentVersion = "1.0.0",
            };
            await channel.BasicPublishAsync(WireFormat.AgentExchange, $"{WireFormat.HeartbeatRoutingPrefix}.{site}", mandatory: true, properties, JsonSerializer.SerializeToUtf8Bytes(lastWord, WireFormat.Options));
            await channel.BasicPublishAsync(WireFormat.AgentExchange, $"result.{site}.tcp", mandatory: true, properties, Encoding.UTF8.GetBytes("{ not json"));
        }

        var queries = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "infra", "grafana", "dashboards"), "*.json")
            .SelectMany(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("panels").EnumerateArray()
                .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
                .Where(target => target.TryGetProperty("expr", out _)) // the PostgreSQL panels: GrafanaSqlPanelsTests
                .Select(target => (Dashboard: Path.GetFileName(file), Query: target.GetProperty("expr").GetString()!.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$site", site, StringComparison.Ordinal))))
            .ToList();
        Assert.Contains(queries, q => q.Dashboard == "fleet.json");
        Assert.Contains(queries, q => q.Dashboard == "site.json");
        Assert.Contains(queries, q => q.Dashboard == "pipeline.json");
        Assert.Contains(queries, q => q.Dashboard == "reflector.json");

        await using var prometheus = await PrometheusProcess.StartAsync(["localhost:5082", "localhost:5081", "localhost:5085"]);
        foreach (var (dashboard, query) in queries)
        {
            await Eventually.WaitAsync(
                () => prometheus.QueryAsync(query), r => r.GetArrayLength() > 0, TimeSpan.FromMinutes(2), $"data for {dashboard}: {query}",
                () => Task.FromResult($"ingestion:\n{ingestion.Output}\napi:\n{api.Output}\nreflector:\n{reflector.Output}\nprometheus:\n{prometheus.Output}"));
        }

        // The fleet gauges as Prometheus stored them: one agent in each class at the site.
        foreach (var fleetClass in new[] { "broken", "exposed", "offline" })
        {
            await Eventually.WaitAsync(
                async () => await prometheus.QueryAsync($"fleetmonitor_fleet_agents{{site=\"{site}\",class=\"{fleetClass}\"}}") is { } r && r.GetArrayLength() == 1 ? r[0].GetProperty("value")[1].GetString() : null,
                v => v == "1", TimeSpan.FromMinutes(1), $"one {fleetClass} agent at {site} in Prometheus");
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"UDP echo listening on 127\.0\.0\.1:(\d+)")]
    private static partial System.Text.RegularExpressions.Regex EchoListening();

    private static ProbeCompleted Result(string agent, string kind, DateTimeOffset at, ProbeOutcome outcome, IReadOnlyDictionary<string, double> measurements, IReadOnlyList<string> findings) => new()
    {
        SchemaVersion = 1,
        Id = Guid.CreateVersion7(at),
        AgentId = agent,
        SiteId = "site-prom",
        ProbeId = $"probe-{kind}",
        ProbeVersion = 1,
        Kind = kind,
        Target = "pbx.example.com:5061",
        StartedAt = at,
        DurationMs = 12,
        Outcome = outcome,
        Measurements = measurements,
        Findings = findings,
    };

    private static Dictionary<string, string> Environment(RabbitMqVhost vhost, TestDatabase database) => new()
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

    /// <summary>The page, or empty when the request failed or timed out (a service still starting on a busy machine).</summary>
    private static async Task<string> GetOrEmptyAsync(HttpClient http, string url)
    {
        try
        {
            return await http.GetStringAsync(url);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return "";
        }
    }

    private static Task<HttpStatusCode> WaitAliveAsync(HttpClient http, ServiceProcess service, string url) => Eventually.WaitAsync(
        async () =>
        {
            Assert.False(service.HasExited, $"{service.Name} exited:\n{service.Output}");
            try
            {
                return (await http.GetAsync($"{url}/alive")).StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too slow to answer on a busy machine: asked again.
                return HttpStatusCode.ServiceUnavailable;
            }
        },
        status => status == HttpStatusCode.OK,
        TimeSpan.FromMinutes(2),
        $"{service.Name} answering on {url}",
        () => Task.FromResult(service.Output));

    /// <summary>Debian's prometheus, scraping the given targets every second, with its data in a temporary folder.</summary>
    private sealed class PrometheusProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly DirectoryInfo _directory;
        private readonly HttpClient _http;
        private readonly StringBuilder _output = new();

        private PrometheusProcess(Process process, DirectoryInfo directory, int port)
        {
            _process = process;
            _directory = directory;
            _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            _process.OutputDataReceived += (_, e) => Keep(e.Data);
            _process.ErrorDataReceived += (_, e) => Keep(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
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

        public static async Task<PrometheusProcess> StartAsync(IReadOnlyList<string> targets)
        {
            Assert.True(File.Exists("/usr/bin/prometheus"), "Debian's prometheus is missing: bash scripts/peers.sh");
            var directory = Directory.CreateTempSubdirectory("fleetmonitor-prometheus-");
            var config = Path.Combine(directory.FullName, "prometheus.yml");
            await File.WriteAllTextAsync(config, $$"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: ingestion
                    static_configs: [{ targets: ["{{targets[0]}}"] }]
                  - job_name: api
                    static_configs: [{ targets: ["{{targets[1]}}"] }]
                  - job_name: reflector
                    static_configs: [{ targets: ["{{targets[2]}}"] }]
                """);

            // The port is picked free and may be taken before Prometheus binds it: then it exits, and we try another.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                var start = new ProcessStartInfo("/usr/bin/prometheus") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}", $"--web.listen-address=127.0.0.1:{port}" })
                {
                    start.ArgumentList.Add(arg);
                }

                var prometheus = new PrometheusProcess(Process.Start(start)!, directory, port);
                try
                {
                    await Eventually.WaitAsync(
                        async () =>
                        {
                            if (prometheus._process.HasExited)
                            {
                                return false;
                            }

                            try
                            {
                                return (await prometheus._http.GetAsync("/-/ready")).IsSuccessStatusCode;
                            }
                            catch (HttpRequestException)
                            {
                                return false;
                            }
                        },
                        ready => ready || prometheus._process.HasExited,
                        TimeSpan.FromMinutes(1),
                        "prometheus ready");
                    if (!prometheus._process.HasExited)
                    {
                        return prometheus;
                    }

                    Assert.True(attempt < 3, $"prometheus did not start:\n{prometheus.Output}");
                }
                catch
                {
                    await prometheus.DisposeAsync();
                    throw;
                }
            }
        }

        /// <summary>The <c>data.result</c> array of an instant query.</summary>
        public async Task<JsonElement> QueryAsync(string query)
        {
            var response = await _http.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{query}: {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").Clone();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            _http.Dispose();
            _directory.Delete(recursive: true);
        }

        private static int FreePort()
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)socket.LocalEndPoint!).Port;
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
