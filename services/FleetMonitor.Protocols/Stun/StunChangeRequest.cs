namespace FleetMonitor.Protocols.Stun;

/// <summary>The flags of a CHANGE-REQUEST attribute (RFC 5780 §7.2): answer from the other IP address, the other port, or both.</summary>
[Flags]
public enum StunChangeRequest
{
    None = 0,

    /// <summary>Flag B, "change port" (0x2).</summary>
    ChangePort = 0x2,

    /// <summary>Flag A, "change IP" (0x4).</summary>
    ChangeIp = 0x4,
}
