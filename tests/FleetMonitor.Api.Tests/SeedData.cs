using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Tests;

/// <summary>The fleet every test database starts with, written through the real <see cref="ResultStore"/>.</summary>
/// <remarks>
/// Latest states: home-alice/agent-alice-pc pbx-tls degraded (after 22 ok), media-rtp ok;
/// home-bob/agent-bob-pc pbx-tls failed, media-rtp error; home-bob/agent-bob-laptop pbx-tls ok.
/// </remarks>
public static class SeedData
{
    public const string AliceSite = "home-alice";
    public const string BobSite = "home-bob";
    public const string AlicePc = "agent-alice-pc";
    public const string BobPc = "agent-bob-pc";
    public const string BobLaptop = "agent-bob-laptop";
    public const string PbxProbe = "pbx-tls";
    public const string MediaProbe = "media-rtp";
    public const string PbxTarget = "pbx.example.com:5061";
    public const string MediaTarget = "reflector.example.net:3478";
    public const int AlicePbxResults = 23;

    public static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The ids of agent-alice-pc's pbx-tls results, oldest first.</summary>
    public static IReadOnlyList<Guid> AlicePbxIds { get; } =
        [.. Enumerable.Range(0, AlicePbxResults).Select(i => Guid.CreateVersion7(Start.AddMinutes(i)))];

    public static IReadOnlyList<ProbeCompleted> Results()
    {
        var results = new List<ProbeCompleted>();
        for (var i = 0; i < AlicePbxResults; i++)
        {
            var last = i == AlicePbxResults - 1;
            results.Add(Result(AlicePbxIds[i], AlicePc, AliceSite, PbxProbe, "tls", PbxTarget, Start.AddMinutes(i),
                last ? ProbeOutcome.Degraded : ProbeOutcome.Ok,
                new Dictionary<string, double> { ["connect_ms"] = last ? 850 : 40 + i, ["handshake_ms"] = 90 },
                last ? ["tls.certificate.expires_soon"] : []));
        }

        var t = Start.AddMinutes(30);
        results.Add(Result(Guid.CreateVersion7(t), AlicePc, AliceSite, MediaProbe, "rtp", MediaTarget, t, ProbeOutcome.Ok,
            new Dictionary<string, double> { ["mos"] = 4.31, ["loss_ratio"] = 0.001, ["jitter_ms"] = 3.2, ["rtt_ms"] = 41 }, []));
        results.Add(Result(Guid.CreateVersion7(t), BobPc, BobSite, PbxProbe, "tls", PbxTarget, t, ProbeOutcome.Failed,
            new Dictionary<string, double>(), ["tcp.timeout"], "connect timed out after 5000 ms"));
        results.Add(Result(Guid.CreateVersion7(t), BobPc, BobSite, MediaProbe, "rtp", MediaTarget, t, ProbeOutcome.Error,
            new Dictionary<string, double>(), [], "socket permission denied"));
        results.Add(Result(Guid.CreateVersion7(t), BobLaptop, BobSite, PbxProbe, "tls", PbxTarget, t, ProbeOutcome.Ok,
            new Dictionary<string, double> { ["connect_ms"] = 38 }, []));
        return results;
    }

    public static ProbeCompleted Result(
        Guid id, string agentId, string siteId, string probeId, string kind, string target, DateTimeOffset startedAt,
        ProbeOutcome outcome, IReadOnlyDictionary<string, double> measurements, IReadOnlyList<string> findings, string? error = null) => new()
    {
        SchemaVersion = ProbeCompleted.CurrentSchemaVersion,
        Id = id,
        AgentId = agentId,
        SiteId = siteId,
        ProbeId = probeId,
        ProbeVersion = 1,
        Kind = kind,
        Target = target,
        StartedAt = startedAt,
        DurationMs = 12.5,
        Outcome = outcome,
        Measurements = measurements,
        Facts = new Dictionary<string, string> { ["remote_address"] = "192.0.2.10" },
        Findings = findings,
        Error = error,
    };

    public static AgentHeartbeatSent Heartbeat(string agentId, string siteId, DateTimeOffset sentAt) => new()
    {
        SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
        AgentId = agentId,
        SiteId = siteId,
        SentAt = sentAt,
        Hostname = agentId + ".example.net",
        AgentVersion = "1.0.0",
        OutboxBacklog = 0,
    };
}
