using System.Collections.Concurrent;

namespace FleetMonitor.Ingestion.FleetMetrics;

/// <summary>
/// Site ids as metric labels, at most <c>limit</c> of them: sites are few and made by an administrator, but a label
/// set must never grow without bound, so sites beyond the limit share the label <c>other</c>.
/// </summary>
internal sealed class SiteLabels(int limit)
{
    public const string Other = "other";

    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public string Label(string siteId)
    {
        if (_seen.ContainsKey(siteId))
        {
            return siteId;
        }

        lock (_gate)
        {
            if (_seen.Count >= limit)
            {
                return Other;
            }

            _seen.TryAdd(siteId, 0);
            return siteId;
        }
    }
}
