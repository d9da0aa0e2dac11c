using FleetMonitor.Agent.Outbox;

namespace FleetMonitor.Agent.Publishing;

/// <summary>Sends outbox messages on; returns only when every message was accepted (confirmed), else throws.</summary>
public interface IResultTransport
{
    Task PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);
}
