namespace FleetMonitor.Agent.Outbox;

/// <summary>A message waiting in the outbox: its sequence number, routing key and JSON body.</summary>
public sealed record OutboxMessage(long Sequence, string RoutingKey, string MessageId, string Type, ReadOnlyMemory<byte> Body);
