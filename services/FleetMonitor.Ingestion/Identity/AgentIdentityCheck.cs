using System.Collections.Concurrent;
using FleetMonitor.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Identity;

/// <summary>
/// Ties an agent message to its sender: the AMQP user_id (which RabbitMQ checks against the connection's user) names an
/// enrolled agent, and the body's agentId and siteId must be that agent's. Anything else is an
/// <see cref="ImpersonationException"/>, counted as <c>reason="impersonation"</c>.
/// </summary>
public sealed class AgentIdentityCheck(
    EnrolmentStore enrolment, IOptions<AgentIdentityOptions> options, TimeProvider timeProvider, ILogger<AgentIdentityCheck> logger)
{
    private readonly ConcurrentDictionary<string, (AgentIdentityRow? Identity, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task EnsureAsync(ConsumeContext context, string? agentId, string? siteId)
    {
        var user = context.ReceiveContext switch
        {
            RabbitMqBasicConsumeContext rabbit => rabbit.Properties.UserId,
            var receive when receive.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) => rabbit.Properties.UserId,
            _ => null,
        };
        var identity = string.IsNullOrEmpty(user) ? null : await LookUpAsync(user, context.CancellationToken);
        if (identity is null)
        {
            if (options.Value.RequireEnrolledSender)
            {
                throw new ImpersonationException(string.IsNullOrEmpty(user)
                    ? "the message has no AMQP user_id: only enrolled agents may send"
                    : $"broker user '{user}' is not an enrolled agent");
            }

            return;
        }

        if (identity.RevokedAt is not null)
        {
            throw new ImpersonationException($"agent '{identity.AgentId}' was revoked");
        }

        if (!string.Equals(agentId, identity.AgentId, StringComparison.Ordinal) || !string.Equals(siteId, identity.SiteId, StringComparison.Ordinal))
        {
            throw new ImpersonationException(
                $"broker user '{user}' is agent '{identity.AgentId}' at site '{identity.SiteId}', but the body says agent '{agentId}' at site '{siteId}'");
        }
    }

    private async Task<AgentIdentityRow?> LookUpAsync(string user, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_cache.TryGetValue(user, out var cached) && cached.Until > now)
        {
            return cached.Identity;
        }

        // A database outage holds the message like any other write does (retried without limit, never parked).
        AgentIdentityRow? identity = null;
        await TransientRetry.RunAsync(
            async ct =>
            {
                try
                {
                    identity = await enrolment.GetIdentityByBrokerUserAsync(user, ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && TransientFailures.IsTransient(e))
                {
                    throw new TransientStorageException("The database is unavailable: " + e.Message, e);
                }
            },
            timeProvider,
            logger,
            cancellationToken);
        _cache[user] = (identity, now + options.Value.CacheFor);
        return identity;
    }
}
