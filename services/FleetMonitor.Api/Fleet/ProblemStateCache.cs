using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// The states that may not be ok, classified, kept between builds of the overview. Each refresh first reads the
/// problem states' version (<see cref="StateStore.GetProblemVersionAsync"/>, one row, moved by the writing transaction
/// itself): while it is the one read before the kept states, they are the database's and are returned as they are.
/// When it moved, the refresh reads the states' keys and update times, and the contents of those that are new or were
/// written since. The database stays the truth — a state that turned ok drops out, one written by another Api's
/// Ingestion shows — and a late commit moves the version when it commits, so it cannot be missed.
/// Not thread-safe: <see cref="FleetOverviewReader"/> refreshes it one build at a time.
/// </summary>
internal sealed class ProblemStateCache(StateStore states)
{
    private Dictionary<(string AgentId, string ProbeId), ClassifiedState> _known = [];
    private long? _version;
    private StateProblems _problems = StateProblems.Empty;

    /// <summary>How many refreshes read the states rather than returning the kept ones; for tests.</summary>
    public int Reads { get; private set; }

    /// <summary>What the states that are not ok make of the overview as the database has them now; the same object as last time when nothing moved.</summary>
    public async Task<StateProblems> RefreshAsync(CancellationToken cancellationToken)
    {
        // Before the states: a write committed after this reading moves the version the next refresh reads.
        var current = await states.GetProblemVersionAsync(cancellationToken);
        if (current == _version)
        {
            return _problems;
        }

        Reads++;
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
        _version = current;
        _problems = StateProblems.From(next.Values);
        return _problems;
    }
}
