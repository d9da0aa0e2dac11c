using System.Text.Json;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent.Scheduling;

/// <summary>Writes results and heartbeats to the outbox in the wire format with their routing keys.</summary>
public sealed class AgentMessages(ResultOutbox outbox)
{
    public static string RoutingKey(ProbeCompleted result) => $"{WireFormat.ResultRoutingPrefix}.{result.SiteId}.{result.Kind}";

    public Task EnqueueAsync(ProbeCompleted result, CancellationToken cancellationToken) =>
        outbox.EnqueueAsync(RoutingKey(result), result.Id.ToString(), nameof(ProbeCompleted), JsonSerializer.SerializeToUtf8Bytes(result, WireFormatJsonContext.Default.ProbeCompleted), cancellationToken);

    public Task EnqueueAsync(AgentHeartbeatSent heartbeat, CancellationToken cancellationToken) =>
        outbox.EnqueueAsync(
            $"{WireFormat.HeartbeatRoutingPrefix}.{heartbeat.SiteId}",
            Guid.CreateVersion7(heartbeat.SentAt).ToString(),
            nameof(AgentHeartbeatSent),
            JsonSerializer.SerializeToUtf8Bytes(heartbeat, WireFormatJsonContext.Default.AgentHeartbeatSent),
            cancellationToken);
}
