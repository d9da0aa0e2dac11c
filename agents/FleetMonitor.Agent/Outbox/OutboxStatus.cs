namespace FleetMonitor.Agent.Outbox;

/// <summary>What the outbox holds and has done: what <c>status</c> prints and the heartbeat reports.</summary>
public sealed record OutboxStatus(
    long Depth,
    DateTimeOffset? OldestEnqueuedAt,
    long DeadLetters,
    string? LastDeadLetterReason,
    long DeadLetteredTotal,
    long EvictedTotal,
    DateTimeOffset? LastPublishedAt);
