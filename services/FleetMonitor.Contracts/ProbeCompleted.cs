namespace FleetMonitor.Contracts;

/// <summary>One probe run's result, made and published by an agent (see docs/wire-format.md).</summary>
public sealed record ProbeCompleted
{
    /// <summary>The schema version this record describes.</summary>
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    /// <summary>UUIDv7 made by the agent: idempotency key and time order.</summary>
    public required Guid Id { get; init; }

    public required string AgentId { get; init; }

    public required string SiteId { get; init; }

    public required string ProbeId { get; init; }

    public required int ProbeVersion { get; init; }

    public required string Kind { get; init; }

    public required string Target { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double DurationMs { get; init; }

    public required ProbeOutcome Outcome { get; init; }

    /// <summary>Numeric measurements; the unit is the name's suffix (<c>connect_ms</c>, <c>loss_ratio</c>).</summary>
    public IReadOnlyDictionary<string, double> Measurements { get; init; } = new Dictionary<string, double>();

    /// <summary>Textual facts (<c>tls_protocol</c>, <c>http_version</c>, <c>remote_address</c>).</summary>
    public IReadOnlyDictionary<string, string> Facts { get; init; } = new Dictionary<string, string>();

    /// <summary>Finding codes such as <c>tcp.refused</c> or <c>exposure.open.5060/udp</c>.</summary>
    public IReadOnlyList<string> Findings { get; init; } = [];

    /// <summary>A human-readable reason when the outcome is not ok.</summary>
    public string? Error { get; init; }
}
