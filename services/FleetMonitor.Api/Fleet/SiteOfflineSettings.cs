using FleetMonitor.Alerting;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// Reads the <see cref="OfflineThresholds"/> of every site from the policies in force, in one query, and keeps them for
/// <see cref="AlertingOptions.PolicyCacheDuration"/>, as Alerting keeps a site's policy: a changed policy reaches the
/// agent-offline alert and the fleet view within the same delay.
/// </summary>
public sealed partial class SiteOfflineSettings(
    PolicyStore policies, TimeProvider timeProvider, IOptions<AlertingOptions> options, ILogger<SiteOfflineSettings> logger)
{
    private Entry? _last;

    public async Task<OfflineThresholds> GetAsync(CancellationToken cancellationToken)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && timeProvider.GetElapsedTime(last.ReadAt) < options.Value.PolicyCacheDuration)
        {
            return last.Thresholds;
        }

        var readAt = timeProvider.GetTimestamp();
        var bySite = new Dictionary<string, AgentOfflineSettings?>(StringComparer.Ordinal);
        foreach (var row in await policies.ListCurrentAsync(cancellationToken))
        {
            var (policy, _) = PolicyJson.Parse(row.Document);
            if (policy is null)
            {
                // As Alerting does with a stored policy it cannot read: the default applies.
                LogInvalidStoredPolicy(row.SiteId, row.Version);
                continue;
            }

            bySite[row.SiteId] = policy.AgentOffline;
        }

        var thresholds = new OfflineThresholds(bySite);
        Volatile.Write(ref _last, new Entry(thresholds, readAt));
        return thresholds;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored policy of site {SiteId} version {Version} is invalid; the fleet view applies the default agent-offline settings")]
    private partial void LogInvalidStoredPolicy(string siteId, int version);

    private sealed record Entry(OfflineThresholds Thresholds, long ReadAt);
}
