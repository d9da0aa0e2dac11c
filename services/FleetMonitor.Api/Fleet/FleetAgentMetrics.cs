using FleetMonitor.Storage;
using Microsoft.Extensions.Options;
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
    private readonly SiteStore _sites;
    private readonly AgentStore _agentStore;
    private readonly StateStore _states;
    private readonly TimeProvider _timeProvider;
    private readonly IOptions<FleetOptions> _options;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private HashSet<string> _labelled = new(StringComparer.Ordinal);

    public FleetAgentMetrics(SiteStore sites, AgentStore agents, StateStore states, TimeProvider timeProvider, IOptions<FleetOptions> options)
        : this(Metrics.DefaultFactory, sites, agents, states, timeProvider, options)
    {
    }

    public FleetAgentMetrics(
        IMetricFactory factory, SiteStore sites, AgentStore agents, StateStore states, TimeProvider timeProvider, IOptions<FleetOptions> options)
    {
        _agents = factory.CreateGauge("fleetmonitor_fleet_agents", "Agents per site in their worst class now (broken, exposed, offline, degraded, ok).", ["site", "class"]);
        _sites = sites;
        _agentStore = agents;
        _states = states;
        _timeProvider = timeProvider;
        _options = options;
    }

    public void Dispose() => _refresh.Dispose();

    /// <summary>Reads the fleet once and sets the gauges.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var siteRows = await _sites.ListAsync(cancellationToken);
            var agentRows = await _agentStore.ListAsync(null, cancellationToken);
            var stateRows = await _states.ListNotOkAsync(cancellationToken);
            var overview = FleetOverviewBuilder.Build(siteRows, agentRows, stateRows, _timeProvider.GetUtcNow(), _options.Value.OfflineAfter);

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
