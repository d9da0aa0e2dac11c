namespace FleetMonitor.Storage;

/// <summary>An enrolled agent: its site, its broker user and its Reflector credential.</summary>
public sealed class AgentIdentityRow
{
    public required string AgentId { get; init; }

    public required string SiteId { get; init; }

    public required string BrokerUser { get; init; }

    public required string ReflectorUsername { get; init; }

    public required string ReflectorPassword { get; init; }

    public required string TokenId { get; init; }

    public string? Hostname { get; init; }

    public required DateTimeOffset EnrolledAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }
}
