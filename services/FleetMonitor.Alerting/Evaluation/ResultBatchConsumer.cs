using FleetMonitor.Alerting.Policies;
using FleetMonitor.Contracts;
using MassTransit;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>Evaluates the results of a <see cref="ProbeResultsBatched"/> in time order; invalid ones go to the error queue after the rest.</summary>
public sealed class ResultBatchConsumer(EvaluationBatcher evaluator) : IConsumer<ProbeResultsBatched>
{
    public async Task Consume(ConsumeContext<ProbeResultsBatched> context)
    {
        var batch = context.Message;
        if (batch?.Results is null || batch.Results.Count is 0 or > ProbeResultsBatched.MaxResults)
        {
            throw new InvalidMessageException($"batch: 1 to {ProbeResultsBatched.MaxResults} results are required");
        }

        var invalid = new List<int>();
        var valid = new List<ProbeCompleted>();
        for (var i = 0; i < batch.Results.Count; i++)
        {
            try
            {
                ResultCheck.EnsureValid(batch.Results[i], $"results[{i}]");
                if (batch.Results[i].AgentId != batch.AgentId || batch.Results[i].SiteId != batch.SiteId)
                {
                    throw new InvalidMessageException("agentId/siteId must be the batch's");
                }

                valid.Add(batch.Results[i]);
            }
            catch (InvalidMessageException)
            {
                invalid.Add(i);
            }
        }

        await evaluator.EvaluateAsync(valid.OrderBy(r => r.StartedAt).ThenBy(r => r.Id).Select(Observation.From), context.CancellationToken);

        if (invalid.Count > 0)
        {
            // Evaluating the valid ones again from the error queue is harmless: the window drops results it has seen.
            throw new InvalidMessageException($"results {string.Join(", ", invalid)} of {batch.Results.Count} are invalid (the others were evaluated)");
        }
    }
}
