using FleetMonitor.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Results;

/// <summary>
/// Validates each agent result and hands it to the batch writer; acknowledged only once stored. An invalid result goes
/// to the error queue; a database outage is waited out (the message stays unacknowledged), however long it lasts.
/// </summary>
public sealed class ProbeCompletedConsumer(
    ResultBatchWriter writer, TimeProvider timeProvider, IOptions<IngestionOptions> options, ILogger<ProbeCompletedConsumer> logger, Identity.AgentIdentityCheck identity)
    : IConsumer<ProbeCompleted>
{
    public async Task Consume(ConsumeContext<ProbeCompleted> context)
    {
        MessageSize.Check(context);
        var errors = ProbeCompletedValidator.Validate(context.Message, timeProvider.GetUtcNow(), options.Value);
        if (errors.Count > 0)
        {
            throw new InvalidMessageException(string.Join("; ", errors));
        }

        await identity.EnsureAsync(context, context.Message.AgentId, context.Message.SiteId);

        await TransientRetry.RunAsync(ct => writer.WriteAsync(context.Message, ct), timeProvider, logger, context.CancellationToken);
    }
}
