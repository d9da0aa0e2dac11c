using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// Reads what the <see cref="FleetOverview"/> needs, and nothing that grows with the fleet beyond it: the sites, each
/// site's agent count (kept by triggers, one row per site), the agents quiet for longer than the shortest offline threshold (through the index
/// <c>agents_last_heard</c>), judged by <see cref="OfflineThresholds"/> as alerting judges them, and the states that may
/// not be ok, of which only the new and rewritten ones are fetched and classified, and none at all while their
/// version has not moved (<see cref="ProblemStateCache"/>).
/// One read at a time; <see cref="FleetOverviewSource"/> shares the reads between requests.
/// </summary>
public sealed class FleetOverviewReader(
    SiteStore sites, AgentStore agents, StateStore states, SiteOfflineSettings offlineSettings, TimeProvider timeProvider) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ProblemStateCache _states = new(states);

    /// <summary>How many builds read the problem states from the database rather than reusing the last ones; for tests.</summary>
    public int ProblemStateReads => _states.Reads;

    public async Task<FleetOverview> ReadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = timeProvider.GetUtcNow();
            var thresholds = await offlineSettings.GetAsync(cancellationToken);
            var siteRows = await sites.ListAsync(cancellationToken);
            var counts = await agents.CountBySiteAsync(cancellationToken);
            IReadOnlyList<AgentRow> quiet = thresholds.Shortest is { } shortest ? await agents.ListQuietAsync(now - shortest, cancellationToken) : [];
            var stateRows = await _states.RefreshAsync(cancellationToken);
            return FleetOverviewBuilder.Build(siteRows, counts, [.. quiet.Where(a => thresholds.IsOffline(a, now))], stateRows, now);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
