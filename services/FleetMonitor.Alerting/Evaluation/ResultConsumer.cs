using FleetMonitor.Alerting.Policies;
using FleetMonitor.Contracts;
using MassTransit;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>Evaluates every result an agent publishes (N of M needs every run, measurement rules need the values).</summary>
public sealed class ResultConsumer(EvaluationBatcher evaluator) : IConsumer<ProbeCompleted>
{
    public Task Consume(ConsumeContext<ProbeCompleted> context)
    {
        ResultCheck.EnsureValid(context.Message, "result");
        return evaluator.EvaluateAsync(Observation.From(context.Message), context.CancellationToken);
    }
}
