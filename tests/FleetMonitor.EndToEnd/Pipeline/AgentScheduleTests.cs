using System.Net;
using System.Net.Sockets;
using FleetMonitor.Agent;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.EndToEnd.Pipeline;

/// <summary>The agent host as its Program.cs builds it: Quartz triggers run the probes, results and heartbeats reach PostgreSQL.</summary>
public sealed class AgentScheduleTests
{
    [Fact]
    public async Task Scheduled_probes_and_heartbeats_arrive_in_the_database()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await IngestionHost.StartAsync(vhost, database);
        var outbox = Path.Combine(Path.GetTempPath(), $"fleetmonitor-agent-{Guid.NewGuid():N}.db");
        var closedPort = ClosedPort();

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The test's folder holds the embedded server's appsettings.json: only this test's settings count.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:AgentId"] = "agent-scheduled",
            ["Agent:SiteId"] = "home-7",
            ["Agent:Broker:Uri"] = vhost.AmqpUri,
            ["Agent:OutboxPath"] = outbox,
            ["Agent:HeartbeatInterval"] = "00:00:02",
            ["Agent:MaxSplay"] = "00:00:01",
            ["Agent:Probes:0:Id"] = "ingestion-tcp",
            ["Agent:Probes:0:Kind"] = "tcp",
            ["Agent:Probes:0:Target"] = $"127.0.0.1:{ingestion.Address.Port}",
            ["Agent:Probes:0:IntervalSeconds"] = "2",
            // The latest result is what the test reads: a wide budget keeps a busy machine from turning "ok" into a timeout.
            ["Agent:Probes:0:TimeoutSeconds"] = "30",
            ["Agent:Probes:1:Id"] = "ingestion-alive",
            ["Agent:Probes:1:Kind"] = "http",
            ["Agent:Probes:1:Target"] = new Uri(ingestion.Address, "/alive").ToString(),
            ["Agent:Probes:1:Cron"] = "0/2 * * * * ?",
            ["Agent:Probes:1:TimeoutSeconds"] = "30",
            ["Agent:Probes:2:Id"] = "pbx-sip-tcp",
            ["Agent:Probes:2:Kind"] = "tcp",
            ["Agent:Probes:2:Target"] = $"127.0.0.1:{closedPort}",
            ["Agent:Probes:2:IntervalSeconds"] = "2",
            ["Agent:Probes:2:TimeoutSeconds"] = "30",

            // Every other kind on the same schedule, aimed at closed ports on loopback (nothing answers): what matters here is that their
            // results travel the pipeline with their own outcome and finding; the probes' verdicts are tested against
            // real peers in the probes' and the Reflector's tests. Each decides at once (a refusal, a port-unreachable)
            // or after its own wait (upnp's 2 s of SSDP, nat's three transmissions), so a budget of 20-30 s costs
            // nothing and keeps a busy machine's deadline from deciding instead (a timeout finding, or nat.incomplete).
            ["Agent:Probes:3:Id"] = "pbx-dns",
            ["Agent:Probes:3:Kind"] = "dns",
            ["Agent:Probes:3:Target"] = "pbx.example.test",
            ["Agent:Probes:3:Parameters:resolver"] = $"127.0.0.1:{closedPort}",
            ["Agent:Probes:3:TimeoutSeconds"] = "20",
            ["Agent:Probes:3:IntervalSeconds"] = "3",
            ["Agent:Probes:4:Id"] = "pbx-sip-udp",
            ["Agent:Probes:4:Kind"] = "sip",
            ["Agent:Probes:4:Target"] = $"127.0.0.1:{closedPort}",
            ["Agent:Probes:4:TimeoutSeconds"] = "20",
            ["Agent:Probes:4:IntervalSeconds"] = "3",
            ["Agent:Probes:5:Id"] = "media",
            ["Agent:Probes:5:Kind"] = "media",
            ["Agent:Probes:5:Target"] = $"127.0.0.1:{closedPort}",
            ["Agent:Probes:5:Parameters:count"] = "20",
            ["Agent:Probes:5:TimeoutSeconds"] = "20",
            ["Agent:Probes:5:IntervalSeconds"] = "3",
            ["Agent:Probes:6:Id"] = "nat",
            ["Agent:Probes:6:Kind"] = "nat",
            ["Agent:Probes:6:Target"] = $"127.0.0.1:{closedPort}",
            ["Agent:Probes:6:Parameters:max_lifetime_s"] = "0",
            // Silence is conclusive after three Binding transmissions; on a busy machine 4 s ran out first
            // (nat.incomplete). The probe ends as soon as it has decided, so a wide budget costs nothing.
            ["Agent:Probes:6:TimeoutSeconds"] = "30",
            ["Agent:Probes:6:IntervalSeconds"] = "3",
            ["Agent:Probes:7:Id"] = "sip-alg",
            ["Agent:Probes:7:Kind"] = "sip-alg",
            ["Agent:Probes:7:Target"] = $"127.0.0.1:{closedPort}",
            ["Agent:Probes:7:Parameters:ports"] = $"{closedPort}",
            ["Agent:Probes:7:TimeoutSeconds"] = "20",
            ["Agent:Probes:7:IntervalSeconds"] = "3",
            ["Agent:Probes:8:Id"] = "exposure",
            ["Agent:Probes:8:Kind"] = "exposure",
            ["Agent:Probes:8:Target"] = $"http://127.0.0.1:{closedPort}/",
            ["Agent:Probes:8:Parameters:username"] = "agent-scheduled",
            ["Agent:Probes:8:Parameters:password"] = "not-a-real-password-1234",
            ["Agent:Probes:8:TimeoutSeconds"] = "20",
            ["Agent:Probes:8:IntervalSeconds"] = "3",
            ["Agent:Probes:9:Id"] = "upnp",
            ["Agent:Probes:9:Kind"] = "upnp",
            ["Agent:Probes:9:Target"] = "ssdp",
            ["Agent:Probes:9:Parameters:ssdp_address"] = $"127.0.0.1:{closedPort}",
            ["Agent:Probes:9:TimeoutSeconds"] = "20",
            ["Agent:Probes:9:IntervalSeconds"] = "3",
        });
        builder.AddFleetMonitorAgent();
        builder.AddRabbitMqResultTransport();
        using var agent = builder.Build();
        await agent.StartAsync();
        try
        {
            var states = ingestion.Services.GetRequiredService<StateStore>();
            var rows = await Eventually.WaitAsync(
                () => states.ListForAgentAsync("agent-scheduled", CancellationToken.None),
                r => r.Count == 10,
                TimeSpan.FromSeconds(120),
                "ten probe states for the agent");
            var byProbe = rows.ToDictionary(r => r.ProbeId);
            Assert.Equal("ok", byProbe["ingestion-tcp"].Outcome);
            Assert.Equal("ok", byProbe["ingestion-alive"].Outcome);
            Assert.Equal("failed", byProbe["pbx-sip-tcp"].Outcome);
            Assert.Contains("tcp.refused", byProbe["pbx-sip-tcp"].Findings, StringComparison.Ordinal);
            Assert.Equal(("dns", "failed"), (byProbe["pbx-dns"].Kind, byProbe["pbx-dns"].Outcome));
            Assert.Contains("dns.", byProbe["pbx-dns"].Findings, StringComparison.Ordinal);
            Assert.Equal(("sip", "failed"), (byProbe["pbx-sip-udp"].Kind, byProbe["pbx-sip-udp"].Outcome));
            Assert.Contains("sip.", byProbe["pbx-sip-udp"].Findings, StringComparison.Ordinal);
            Assert.Equal(("media", "failed"), (byProbe["media"].Kind, byProbe["media"].Outcome));
            Assert.Contains("media.no_echo", byProbe["media"].Findings, StringComparison.Ordinal);
            Assert.Equal(("nat", "failed"), (byProbe["nat"].Kind, byProbe["nat"].Outcome));
            Assert.Contains("nat.no_response", byProbe["nat"].Findings, StringComparison.Ordinal);
            Assert.Equal(("sip-alg", "failed"), (byProbe["sip-alg"].Kind, byProbe["sip-alg"].Outcome));
            Assert.Contains("sip.alg.mirror_unreachable", byProbe["sip-alg"].Findings, StringComparison.Ordinal);
            Assert.Equal(("exposure", "error"), (byProbe["exposure"].Kind, byProbe["exposure"].Outcome));
            Assert.Contains("exposure.reflector_failed", byProbe["exposure"].Findings, StringComparison.Ordinal);
            Assert.Equal(("upnp", "ok"), (byProbe["upnp"].Kind, byProbe["upnp"].Outcome));
            Assert.Contains("upnp.not_found", byProbe["upnp"].Findings, StringComparison.Ordinal);
            Assert.All(rows, r => Assert.Equal("home-7", r.SiteId));

            var agents = ingestion.Services.GetRequiredService<AgentStore>();
            var seen = await Eventually.WaitAsync(
                () => agents.GetAsync("agent-scheduled", CancellationToken.None),
                a => a?.LastHeartbeatAt is not null,
                TimeSpan.FromSeconds(60),
                "a heartbeat recorded");
            Assert.False(string.IsNullOrEmpty(seen!.AgentVersion));
            Assert.Equal("home-7", seen.SiteId);
        }
        finally
        {
            await agent.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(outbox + suffix);
            }
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
