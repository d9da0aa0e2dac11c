namespace FleetMonitor.Reflector.Stun;

/// <summary>The RFC 5780 behaviours a Binding request asked for, and whether it was authenticated (for metrics).</summary>
[Flags]
public enum StunRequestFeatures
{
    None = 0,
    ChangeIp = 1,
    ChangePort = 2,
    ResponsePort = 4,
    Padding = 8,
    Authenticated = 16,
}
