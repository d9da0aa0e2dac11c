using FleetMonitor.Contracts;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>The fields evaluation relies on; a result without them goes to the error queue.</summary>
internal static class ResultCheck
{
    public static void EnsureValid(ProbeCompleted? result, string where)
    {
        if (result is null
            || result.SchemaVersion != ProbeCompleted.CurrentSchemaVersion
            || result.Id == Guid.Empty
            || string.IsNullOrWhiteSpace(result.AgentId)
            || string.IsNullOrWhiteSpace(result.SiteId)
            || string.IsNullOrWhiteSpace(result.ProbeId)
            || string.IsNullOrWhiteSpace(result.Kind)
            || result.Target is null
            || !Enum.IsDefined(result.Outcome))
        {
            throw new InvalidMessageException($"{where}: schemaVersion {ProbeCompleted.CurrentSchemaVersion}, id, agentId, siteId, probeId, kind, target and outcome are required");
        }
    }
}
