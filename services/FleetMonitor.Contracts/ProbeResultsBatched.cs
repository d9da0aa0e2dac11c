namespace FleetMonitor.Contracts;

/// <summary>
/// Several results of one agent in one message: what an agent publishes when it has more than one result waiting
/// (after a reconnect, or a busy schedule), so that the broker and Ingestion pay their per-message cost once.
/// </summary>
public sealed record ProbeResultsBatched
{
    /// <summary>The schema version this record describes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>
    /// Most results one message may carry: four times what an agent packs by default (50), and with the per-result
    /// bounds small enough for a message to stay under the broker's 1 MiB message size limit in practice.
    /// </summary>
    public const int MaxResults = 200;

    public required int SchemaVersion { get; init; }

    public required string AgentId { get; init; }

    public required string SiteId { get; init; }

    /// <summary>The results, each exactly as it would be published alone; all of this agent and site.</summary>
    public required IReadOnlyList<ProbeCompleted> Results { get; init; }
}
