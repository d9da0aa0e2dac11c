using System.Collections.Concurrent;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Policies;

/// <summary>The policy in force for a site: its newest stored version, or the default; cached briefly.</summary>
public sealed partial class PolicyProvider(PolicyStore store, TimeProvider timeProvider, IOptions<AlertingOptions> options, ILogger<PolicyProvider> logger)
{
    private readonly ConcurrentDictionary<string, (AlertPolicy Policy, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);
    private readonly AlertPolicy _default = DefaultPolicy.Create();

    public async Task<AlertPolicy> GetAsync(string siteId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_cache.TryGetValue(siteId, out var cached) && now - cached.At < options.Value.PolicyCacheDuration)
        {
            return cached.Policy;
        }

        var row = await store.GetCurrentAsync(siteId, cancellationToken);
        var policy = _default;
        if (row is not null)
        {
            var (parsed, errors) = PolicyJson.Parse(row.Document);
            if (parsed is null)
            {
                // Only the Api writes policies and it validates them: this means the schema changed under a stored one.
                LogInvalidStoredPolicy(siteId, row.Version, string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
            }
            else
            {
                policy = parsed;
            }
        }

        _cache[siteId] = (policy, now);
        return policy;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored policy of site {SiteId} version {Version} is invalid ({Errors}); the default policy applies")]
    private partial void LogInvalidStoredPolicy(string siteId, int version, string errors);
}
