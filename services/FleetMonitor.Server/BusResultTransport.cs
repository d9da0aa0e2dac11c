using System.Text.Json;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Publishing;
using FleetMonitor.Contracts;
using MassTransit;

namespace FleetMonitor.Server;

/// <summary>The embedded agent's transport: publishes its outbox messages on the in-process MassTransit bus.</summary>
internal sealed class BusResultTransport(IBus bus) : IResultTransport
{
    public async Task PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            switch (message.Type)
            {
                case nameof(ProbeCompleted):
                    await bus.Publish(Read<ProbeCompleted>(message), cancellationToken);
                    break;
                case nameof(AgentHeartbeatSent):
                    await bus.Publish(Read<AgentHeartbeatSent>(message), cancellationToken);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown outbox message type '{message.Type}'");
            }
        }
    }

    private static T Read<T>(OutboxMessage message) =>
        JsonSerializer.Deserialize<T>(message.Body.Span, WireFormat.Options)
        ?? throw new InvalidOperationException($"Outbox message {message.MessageId} is empty");
}
