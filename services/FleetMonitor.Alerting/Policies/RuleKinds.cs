namespace FleetMonitor.Alerting.Policies;

/// <summary>The rule kinds a policy may use.</summary>
public static class RuleKinds
{
    public const string ProbeOk = "probe_ok";
    public const string Measurement = "measurement";
    public const string Nat = "nat";
    public const string PortsClosed = "ports_closed";
    public const string UpnpMapping = "upnp_mapping";
    public const string Finding = "finding";

    public static readonly IReadOnlyList<string> All = [ProbeOk, Measurement, Nat, PortsClosed, UpnpMapping, Finding];
}
