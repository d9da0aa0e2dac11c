using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>How many agent/probe states have each outcome.</summary>
public sealed record OutcomeCounts(int Ok, int Degraded, int Failed, int Error)
{
    public int Total => Ok + Degraded + Failed + Error;

    public static OutcomeCounts Count(IEnumerable<EndpointStateRow> states)
    {
        int ok = 0, degraded = 0, failed = 0, error = 0;
        foreach (var state in states)
        {
            switch (OutcomeText.Parse(state.Outcome))
            {
                case ProbeOutcome.Ok: ok++; break;
                case ProbeOutcome.Degraded: degraded++; break;
                case ProbeOutcome.Failed: failed++; break;
                case ProbeOutcome.Error: error++; break;
            }
        }

        return new OutcomeCounts(ok, degraded, failed, error);
    }
}
