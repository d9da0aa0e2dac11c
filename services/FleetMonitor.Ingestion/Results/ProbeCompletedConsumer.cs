using FleetMonitor.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Results;

/// <summary>Validates each agent result and hands it to the batch writer; acknowledged only once stored.</summary>
public sealed class ProbeCompletedConsumer(ResultBatchWriter writer, TimeProvider timeProvider, IOptions<IngestionOptions> options, Identity.AgentIdentityCheck identity)
    : IConsumer<ProbeCompleted>
{
    public async Task Consume(ConsumeContext<ProbeCompleted> context)
    {
        var errors = ProbeCompletedValidator.Validate(context.Message, timeProvider.GetUtcNow(), options.Value);
        if (errors.Count > 0)
        {
            throw new InvalidMessageException(string.Join("; ", errors));
        }

        await identity.EnsureAsync(context, context.Message.AgentId, context.Message.SiteId);

        await writer.WriteAsync(context.Message, context.CancellationToken);
    }
}
