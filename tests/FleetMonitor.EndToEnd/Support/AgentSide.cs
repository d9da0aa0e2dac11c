using FleetMonitor.Agent;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Publishing;
using FleetMonitor.Agent.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FleetMonitor.EndToEnd.Support;

/// <summary>An agent's publishing half (outbox, relay, RabbitMQ.Client transport), as the agent host wires it.</summary>
public sealed class AgentSide : IAsyncDisposable
{
    private readonly string _outboxPath = Path.Combine(Path.GetTempPath(), $"fleetmonitor-outbox-{Guid.NewGuid():N}.db");
    private readonly RabbitMqResultTransport _transport;

    public AgentSide(
        RabbitMqVhost vhost, int maxResultsPerMessage, string agentId = "agent-e2e", string siteId = "site-e2e", IReadOnlyList<string>? clusterNodes = null)
    {
        var options = Options.Create(new AgentOptions
        {
            AgentId = agentId,
            SiteId = siteId,
            OutboxPath = _outboxPath,
            Broker = new BrokerOptions
            {
                Uri = vhost.AmqpUri, PublishBatchSize = 200, MaxResultsPerMessage = maxResultsPerMessage, ClusterNodes = [.. clusterNodes ?? []],
                // The fault tests publish thousands of results at once; pacing is the drain test's subject (AgentDrainTests).
                MaxResultsPerSecond = 0,
            },
        });
        Outbox = new ResultOutbox(options, TimeProvider.System);
        Messages = new AgentMessages(Outbox);
        _transport = new RabbitMqResultTransport(options, NullLogger<RabbitMqResultTransport>.Instance);
        Relay = new OutboxRelay(Outbox, _transport, options, TimeProvider.System, NullLogger<OutboxRelay>.Instance);
    }

    public ResultOutbox Outbox { get; }

    public AgentMessages Messages { get; }

    public OutboxRelay Relay { get; }

    public async ValueTask DisposeAsync()
    {
        await Relay.StopAsync(CancellationToken.None);
        Relay.Dispose();
        await _transport.DisposeAsync();
        Outbox.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_outboxPath + suffix);
        }
    }
}
