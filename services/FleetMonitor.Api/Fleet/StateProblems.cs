namespace FleetMonitor.Api.Fleet;

/// <summary>
/// What the classified states alone make of the overview, worked out once per change of the states rather than per
/// build: each agent with a state that is not ok, in its worst class, and those states' problem lines in the problem
/// list's order (<see cref="ProblemOrder"/>).
/// </summary>
public sealed class StateProblems
{
    private StateProblems(IReadOnlyDictionary<string, AgentOverview> agents, IReadOnlyList<ProblemItem> sorted)
    {
        Agents = agents;
        Sorted = sorted;
    }

    public static StateProblems Empty { get; } = new(new Dictionary<string, AgentOverview>(StringComparer.Ordinal), []);

    /// <summary>Each agent with a state that is not ok, in its worst class and with that state's cause.</summary>
    public IReadOnlyDictionary<string, AgentOverview> Agents { get; }

    /// <summary>Every problem line of the states, worst first (<see cref="ProblemOrder"/>).</summary>
    public IReadOnlyList<ProblemItem> Sorted { get; }

    public static StateProblems From(IEnumerable<ClassifiedState> states)
    {
        var agents = new Dictionary<string, AgentOverview>(StringComparer.Ordinal);
        var problems = new List<ProblemItem>();
        foreach (var agentStates in states.Where(s => s.Problem is not null).GroupBy(s => s.AgentId, StringComparer.Ordinal))
        {
            var ordered = agentStates.OrderBy(s => s.ProbeId, StringComparer.Ordinal).ToList();
            var worst = ordered.MaxBy(s => FleetClass.Severity(s.Class))!;
            agents[agentStates.Key] = new AgentOverview(agentStates.Key, worst.SiteId, worst.Class, worst.Cause, null, null);
            problems.AddRange(ordered.Select(s => s.Problem!));
        }

        problems.Sort(ProblemOrder.Instance);
        return new StateProblems(agents, problems);
    }
}
