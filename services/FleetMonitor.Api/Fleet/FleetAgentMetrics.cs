using Prometheus;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// <c>fleetmonitor_fleet_agents{site, class}</c>: how many agents are broken, exposed, offline, degraded and ok at each
/// site now, classified as the dashboard's overview classifies them. The Api exports it because it reads every
/// agent's latest state; Ingestion exports the per-result series (<c>fleetmonitor_fleet_results_total</c> and the
/// rest). At most <see cref="MaxSites"/> sites get their own label, the others are summed as <c>other</c>; a site
/// that disappears loses its series.
/// </summary>
public sealed class FleetAgentMetrics : IDisposable
{
    public const int MaxSites = 1000;

    public const string OtherSite = "other";

    private static readonly string[] Classes = [FleetClass.Broken, FleetClass.Exposed, FleetClass.Offline, FleetClass.Degraded, FleetClass.Ok];

    private readonly Gauge _agents;
    private readonly Func<CancellationToken, Task<FleetOverview>> _overview;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private HashSet<string> _labelled = new(StringComparer.Ordinal);

    /// <summary>Counts the overviews of <paramref name="source"/>, which it shares with the dashboard's readers.</summary>
    public FleetAgentMetrics(FleetOverviewSource source)
        : this(Metrics.DefaultFactory, source.GetAsync)
    {
    }

    internal FleetAgentMetrics(IMetricFactory factory, Func<CancellationToken, Task<FleetOverview>> overview)
    {
        _agents = factory.CreateGauge("fleetmonitor_fleet_agents", "Agents per site in their worst class now (broken, exposed, offline, degraded, ok).", ["site", "class"]);
        _overview = overview;
    }

    public void Dispose() => _refresh.Dispose();

    /// <summary>Reads the fleet once and sets the gauges.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var overview = await _overview(cancellationToken);

            var counts = new Dictionary<string, int[]>(StringComparer.Ordinal);
            foreach (var (tile, index) in overview.Sites.Select((t, i) => (t, i)))
            {
                var label = index < MaxSites ? tile.SiteId : OtherSite;
                if (!counts.TryGetValue(label, out var values))
                {
                    counts[label] = values = new int[Classes.Length];
                }

                values[0] += tile.Broken;
                values[1] += tile.Exposed;
                values[2] += tile.Offline;
                values[3] += tile.Degraded;
                values[4] += tile.Ok;
            }

            foreach (var (site, values) in counts)
            {
                for (var i = 0; i < Classes.Length; i++)
                {
                    _agents.WithLabels(site, Classes[i]).Set(values[i]);
                }
            }

            foreach (var gone in _labelled.Where(s => !counts.ContainsKey(s)))
            {
                foreach (var fleetClass in Classes)
                {
                    _agents.RemoveLabelled(gone, fleetClass);
                }
            }

            _labelled = [.. counts.Keys];
        }
        finally
        {
            _refresh.Release();
        }
    }
}
