using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Heartbeats;

/// <summary>Records agent heartbeats (agent version, host name, outbox backlog, last seen).</summary>
public sealed class AgentHeartbeatConsumer(
    AgentStore agents, IngestionMetrics metrics, TimeProvider timeProvider, IOptions<IngestionOptions> options, ILogger<AgentHeartbeatConsumer> logger,
    Identity.AgentIdentityCheck identity)
    : IConsumer<AgentHeartbeatSent>
{
    /// <summary>
    /// What a heartbeat must be: known schema, valid ids, bounded strings and counts, and a <c>sentAt</c> inside the
    /// accepted window (a far-future one would freeze the agent's "last heartbeat").
    /// </summary>
    public static IReadOnlyList<string> Validate(AgentHeartbeatSent? heartbeat, DateTimeOffset now, IngestionOptions options)
    {
        if (heartbeat is null)
        {
            return ["the body is empty or JSON null"];
        }

        var errors = new List<string>();
        if (heartbeat.SchemaVersion != AgentHeartbeatSent.CurrentSchemaVersion)
        {
            errors.Add($"schemaVersion: {heartbeat.SchemaVersion} is not supported (expected {AgentHeartbeatSent.CurrentSchemaVersion})");
        }

        foreach (var error in new[] { AgentDataRules.AgentIdError(heartbeat.AgentId), AgentDataRules.SiteIdError(heartbeat.SiteId) })
        {
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        if (string.IsNullOrWhiteSpace(heartbeat.AgentVersion) || heartbeat.AgentVersion.Length > AgentDataRules.MaxAgentVersionLength)
        {
            errors.Add($"agentVersion: required, at most {AgentDataRules.MaxAgentVersionLength} characters");
        }

        if (heartbeat.Hostname is { Length: > AgentDataRules.MaxHostnameLength })
        {
            errors.Add($"hostname: at most {AgentDataRules.MaxHostnameLength} characters");
        }

        foreach (var error in new[] { AgentDataRules.TextError("agentVersion", heartbeat.AgentVersion), AgentDataRules.TextError("hostname", heartbeat.Hostname) })
        {
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        if (heartbeat.SentAt < now - options.MaxResultAge || heartbeat.SentAt > now + options.MaxClockSkew)
        {
            errors.Add($"sentAt: {heartbeat.SentAt:O} is outside the accepted window");
        }

        if (heartbeat.ScheduledProbes < 0 || heartbeat.OutboxBacklog < 0)
        {
            errors.Add("scheduledProbes, outboxBacklog: must not be negative");
        }

        return errors;
    }

    public async Task Consume(ConsumeContext<AgentHeartbeatSent> context)
    {
        MessageSize.Check(context);
        var errors = Validate(context.Message, timeProvider.GetUtcNow(), options.Value);
        if (errors.Count > 0)
        {
            throw new InvalidMessageException("heartbeat: " + string.Join("; ", errors));
        }

        var heartbeat = context.Message;
        await identity.EnsureAsync(context, heartbeat.AgentId, heartbeat.SiteId);

        await TransientRetry.RunAsync(
            async ct =>
            {
                try
                {
                    await agents.RecordHeartbeatAsync(heartbeat, ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && TransientFailures.IsTransient(e))
                {
                    throw new TransientStorageException("The database is unavailable: " + e.Message, e);
                }
            },
            timeProvider,
            logger,
            context.CancellationToken);
        metrics.HeartbeatRecorded();
    }
}
