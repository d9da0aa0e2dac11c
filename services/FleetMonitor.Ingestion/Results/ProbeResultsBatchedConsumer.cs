using FleetMonitor.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Results;

/// <summary>
/// Validates and stores the results of a <see cref="ProbeResultsBatched"/>. Valid results are stored even when others in
/// the same message are not; the message then goes to the error queue with the invalid ones named (storing again from
/// there is harmless: the insert is idempotent).
/// </summary>
public sealed class ProbeResultsBatchedConsumer(
    ResultBatchWriter writer, TimeProvider timeProvider, IOptions<IngestionOptions> options, ILogger<ProbeResultsBatchedConsumer> logger,
    Identity.AgentIdentityCheck identity)
    : IConsumer<ProbeResultsBatched>
{
    public async Task Consume(ConsumeContext<ProbeResultsBatched> context)
    {
        MessageSize.Check(context);
        var batch = context.Message;
        if (batch is null
            || batch.SchemaVersion != ProbeResultsBatched.CurrentSchemaVersion
            || AgentDataRules.AgentIdError(batch.AgentId) is not null
            || AgentDataRules.SiteIdError(batch.SiteId) is not null
            || batch.Results is null
            || batch.Results.Count is 0 or > ProbeResultsBatched.MaxResults)
        {
            throw new InvalidMessageException(
                $"batch: schemaVersion {ProbeResultsBatched.CurrentSchemaVersion}, a valid agentId and siteId and 1 to {ProbeResultsBatched.MaxResults} results are required");
        }

        await identity.EnsureAsync(context, batch.AgentId, batch.SiteId);
        var now = timeProvider.GetUtcNow();
        var valid = new List<ProbeCompleted>(batch.Results.Count);
        var errors = new List<string>();
        var invalid = 0;
        for (var i = 0; i < batch.Results.Count; i++)
        {
            var result = batch.Results[i];
            var resultErrors = ProbeCompletedValidator.Validate(result, now, options.Value).ToList();
            if (result is not null && (result.AgentId != batch.AgentId || result.SiteId != batch.SiteId))
            {
                resultErrors.Add("agentId/siteId: must be the batch's");
            }

            if (resultErrors.Count == 0)
            {
                valid.Add(result!);
            }
            else
            {
                if (errors.Count < 10)
                {
                    errors.Add($"results[{i}]: {string.Join("; ", resultErrors)}");
                }

                invalid++;
            }
        }

        await TransientRetry.RunAsync(ct => writer.WriteAsync(valid, ct), timeProvider, logger, context.CancellationToken);
        if (invalid > 0)
        {
            throw new InvalidMessageException($"{invalid} of {batch.Results.Count} results are invalid (the others are stored): {string.Join(" | ", errors)}");
        }
    }
}
