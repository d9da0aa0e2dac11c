namespace FleetMonitor.Api.Fleet;

/// <summary>The problem list's order: worst class first, then by site, agent and probe (an agent's own line, without a probe, first).</summary>
public sealed class ProblemOrder : IComparer<ProblemItem>
{
    public static ProblemOrder Instance { get; } = new();

    private ProblemOrder()
    {
    }

    public int Compare(ProblemItem? x, ProblemItem? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var bySeverity = y.Severity.CompareTo(x.Severity);
        if (bySeverity != 0)
        {
            return bySeverity;
        }

        var bySite = string.CompareOrdinal(x.SiteId, y.SiteId);
        if (bySite != 0)
        {
            return bySite;
        }

        var byAgent = string.CompareOrdinal(x.AgentId, y.AgentId);
        return byAgent != 0 ? byAgent : string.CompareOrdinal(x.ProbeId, y.ProbeId);
    }
}
