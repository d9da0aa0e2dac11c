namespace FleetMonitor.Probes;

/// <summary>What to probe: the target, kind-specific parameters and the deadline.</summary>
public sealed record ProbeRequest
{
    /// <summary>Kind-specific target: <c>host:port</c> for tcp, a URL for http.</summary>
    public required string Target { get; init; }

    /// <summary>
    /// Kind-specific options (for tcp: <c>tls</c>, <c>sni</c>, <c>min_days</c>, <c>ca_file</c>; for http: <c>method</c>,
    /// <c>expect_status</c>, <c>min_days</c>, <c>ca_file</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The whole probe's deadline.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}
