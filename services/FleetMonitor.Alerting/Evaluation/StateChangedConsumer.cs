using FleetMonitor.Contracts;
using MassTransit;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>Takes Ingestion's state changes (stored, de-duplicated results that changed an agent/probe's outcome) for flap detection.</summary>
public sealed class StateChangedConsumer(EvaluationBatcher evaluator) : IConsumer<ProbeStateChanged>
{
    public Task Consume(ConsumeContext<ProbeStateChanged> context)
    {
        var change = context.Message;
        if (change is null || string.IsNullOrWhiteSpace(change.AgentId) || string.IsNullOrWhiteSpace(change.SiteId)
            || string.IsNullOrWhiteSpace(change.ProbeId) || string.IsNullOrWhiteSpace(change.Kind) || change.ResultId == Guid.Empty)
        {
            throw new InvalidMessageException("state change: agentId, siteId, probeId, kind and resultId are required");
        }

        return evaluator.EvaluateAsync(change, context.CancellationToken);
    }
}
