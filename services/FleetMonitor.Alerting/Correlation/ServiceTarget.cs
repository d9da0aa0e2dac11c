namespace FleetMonitor.Alerting.Correlation;

/// <summary>
/// The PBX or server a probe reaches, when many agents failing it together point at it rather than at their homes:
/// the target (host:port) of the probe kinds that reach a service the agents share — the PBX's register path (tcp,
/// sip), provisioning (http), DNS, and the media path. The nat, sip-alg, exposure and upnp probes use their target as
/// a vantage point; what they find is about the home, so their alerts are not grouped by it.
/// </summary>
public static class ServiceTarget
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(["tcp", "sip", "http", "dns", "media"], StringComparer.Ordinal);

    /// <summary>Longer targets are not correlated by (a target is a host and a port).</summary>
    public const int MaxLength = 300;

    public static string? Of(string kind, string target) =>
        Kinds.Contains(kind) && target.Length is > 0 and <= MaxLength ? target : null;
}
