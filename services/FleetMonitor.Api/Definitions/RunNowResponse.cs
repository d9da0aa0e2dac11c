using FleetMonitor.Contracts;

namespace FleetMonitor.Api.Definitions;

/// <summary>The accepted request: its id, the probe that will run (its id and version are in the results), and the agent asked.</summary>
public sealed record RunNowResponse(Guid RequestId, ScheduledProbe Probe, string? AgentId, bool Delivered);
