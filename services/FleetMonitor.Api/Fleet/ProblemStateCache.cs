using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// The states that may not be ok, classified, kept between builds of the overview: each refresh reads only their keys
/// and update times, and the contents of those that are new or were written since. The database stays the truth — a
/// state that turned ok drops out, one written by another Api's Ingestion shows — with no watermark to miss a late commit.
/// Not thread-safe: <see cref="FleetOverviewReader"/> refreshes it one build at a time.
/// </summary>
internal sealed class ProblemStateCache(StateStore states)
{
    private Dictionary<(string AgentId, string ProbeId), ClassifiedState> _known = [];

    public async Task<IReadOnlyCollection<ClassifiedState>> RefreshAsync(CancellationToken cancellationToken)
    {
        var versions = await states.ListNotOkVersionsAsync(cancellationToken);
        var next = new Dictionary<(string AgentId, string ProbeId), ClassifiedState>(versions.Count);
        var stale = new HashSet<string>(StringComparer.Ordinal);
        foreach (var version in versions)
        {
            if (_known.TryGetValue((version.AgentId, version.ProbeId), out var known) && known.UpdatedAt == version.UpdatedAt)
            {
                next[(version.AgentId, version.ProbeId)] = known;
            }
            else
            {
                stale.Add(version.AgentId);
            }
        }

        if (stale.Count > 0)
        {
            // An agent's states as they are now, including any written since the versions were read.
            foreach (var row in await states.ListNotOkForAgentsAsync(stale, cancellationToken))
            {
                next[(row.AgentId, row.ProbeId)] = ClassifiedState.From(row);
            }
        }

        _known = next;
        return next.Values;
    }
}
