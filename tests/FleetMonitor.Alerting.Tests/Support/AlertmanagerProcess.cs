using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Alerting.Tests.Support;

/// <summary>
/// Debian's <c>prometheus-alertmanager</c>, started for one test with a route to the test's webhook (group_wait 1 s,
/// resolved notifications on), gossip off, its own storage folder. Alertmanager cannot take a listening socket, so a
/// free port is picked and the start retried on another when something took it first.
/// </summary>
public sealed class AlertmanagerProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-alertmanager";

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _folder;

    private AlertmanagerProcess(ChildProcess process, DirectoryInfo folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    public Uri Address { get; }

    public string Output => _process.Output;

    public static async Task<AlertmanagerProcess> StartAsync(Uri webhook)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing. Install it with: bash scripts/peers.sh (package prometheus-alertmanager)");
        }

        var folder = Directory.CreateTempSubdirectory("fleetmonitor-alertmanager-");
        var config = Path.Combine(folder.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(config, $"""
            route:
              receiver: test-webhook
              group_by: [alertname, site, agent, probe, cause]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: test-webhook
                webhook_configs:
                  - url: {new Uri(webhook, "/alertmanager")}
                    send_resolved: true
            """);
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var process = ChildProcess.Start(Binary,
            [
                $"--config.file={config}",
                $"--storage.path={Path.Combine(folder.FullName, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
                "--log.level=info",
            ]);
            var address = new Uri($"http://127.0.0.1:{port}");
            using var http = new HttpClient { BaseAddress = address };
            try
            {
                await Eventually.WaitAsync(
                    async () =>
                    {
                        if (process.HasExited)
                        {
                            return HttpStatusCode.Gone;
                        }

                        try
                        {
                            return (await http.GetAsync("/-/ready")).StatusCode;
                        }
                        catch (HttpRequestException)
                        {
                            return HttpStatusCode.ServiceUnavailable;
                        }
                    },
                    status => status is HttpStatusCode.OK or HttpStatusCode.Gone,
                    TimeSpan.FromSeconds(120),
                    "Alertmanager ready");
                if (!process.HasExited)
                {
                    return new AlertmanagerProcess(process, folder, address);
                }
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }

            var output = process.Output;
            await process.DisposeAsync();
            if (attempt >= 3 || !output.Contains("address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Alertmanager did not start:\n{output}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    /// <summary>A loopback port free a moment ago; whoever binds it must retry when it was taken in between.</summary>
    internal static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
