namespace FleetMonitor.Protocols.Stun;

/// <summary>The STUN attribute type codes this codec knows, each with the RFC text that assigns it.</summary>
/// <remarks>
/// Codes below 0x8000 are comprehension-required, 0x8000 and above comprehension-optional (RFC 8489 §14, §18.3).
/// Each value was checked against the RFC text: RFC 8489 §18.3.1 and §18.3.2 (the registry lists), RFC 5780 §7 (the
/// list at the head of "New Attributes") and §9.1 (IANA), and against the RFC 5769 test vectors where they use it.
/// </remarks>
public static class StunAttributeType
{
    /// <summary>RFC 8489 §14.1, registered in §18.3.1 (unchanged from RFC 5389 §18.2).</summary>
    public const ushort MappedAddress = 0x0001;

    /// <summary>
    /// RFC 5780 §7.2, registered in §7 and §9.1. RFC 8489 §18.3.1 still shows 0x0003 as "Reserved; was CHANGE-REQUEST
    /// prior to RFC 5389": the code was retired by RFC 5389 and given back to this attribute by RFC 5780.
    /// </summary>
    public const ushort ChangeRequest = 0x0003;

    /// <summary>RFC 8489 §14.3, registered in §18.3.1; RFC 5769 §2.1 uses it.</summary>
    public const ushort Username = 0x0006;

    /// <summary>RFC 8489 §14.5, registered in §18.3.1; RFC 5769 §2.1-2.4 use it.</summary>
    public const ushort MessageIntegrity = 0x0008;

    /// <summary>RFC 8489 §14.8, registered in §18.3.1.</summary>
    public const ushort ErrorCode = 0x0009;

    /// <summary>RFC 8489 §14.13, registered in §18.3.1.</summary>
    public const ushort UnknownAttributes = 0x000A;

    /// <summary>RFC 8489 §14.9, registered in §18.3.1. Long-term credentials only: carried, not interpreted.</summary>
    public const ushort Realm = 0x0014;

    /// <summary>RFC 8489 §14.10, registered in §18.3.1. Long-term credentials only: carried, not interpreted.</summary>
    public const ushort Nonce = 0x0015;

    /// <summary>RFC 8489 §14.6, registered in §18.3.2. Not interpreted, but allowed after MESSAGE-INTEGRITY (§14.5).</summary>
    public const ushort MessageIntegritySha256 = 0x001C;

    /// <summary>RFC 8489 §14.2, registered in §18.3.1; RFC 5769 §2.2 and §2.3 use it.</summary>
    public const ushort XorMappedAddress = 0x0020;

    /// <summary>RFC 5780 §7.6, registered in §7 and §9.1.</summary>
    public const ushort Padding = 0x0026;

    /// <summary>RFC 5780 §7.5, registered in §7 and §9.1.</summary>
    public const ushort ResponsePort = 0x0027;

    /// <summary>RFC 8489 §14.14, registered in §18.3.1; RFC 5769 §2.1-2.3 use it.</summary>
    public const ushort Software = 0x8022;

    /// <summary>RFC 8489 §14.7, registered in §18.3.1; RFC 5769 §2.1-2.3 use it.</summary>
    public const ushort Fingerprint = 0x8028;

    /// <summary>RFC 5780 §7.3, registered in §7 and §9.1.</summary>
    public const ushort ResponseOrigin = 0x802B;

    /// <summary>
    /// RFC 5780 §7.4, registered in §7 and §9.1. (§7.4's prose says it reuses CHANGED-ADDRESS's number; it does not:
    /// CHANGED-ADDRESS was 0x0005, and both registry lists give 0x802C.)
    /// </summary>
    public const ushort OtherAddress = 0x802C;

    /// <summary>Whether an agent that does not understand the type must reject the message (RFC 8489 §14).</summary>
    public static bool IsComprehensionRequired(ushort type) => type < 0x8000;

    /// <summary>The RFC name of a type, or its hex code when this codec does not know it.</summary>
    public static string Name(ushort type) => type switch
    {
        MappedAddress => "MAPPED-ADDRESS",
        ChangeRequest => "CHANGE-REQUEST",
        Username => "USERNAME",
        MessageIntegrity => "MESSAGE-INTEGRITY",
        ErrorCode => "ERROR-CODE",
        UnknownAttributes => "UNKNOWN-ATTRIBUTES",
        Realm => "REALM",
        Nonce => "NONCE",
        MessageIntegritySha256 => "MESSAGE-INTEGRITY-SHA256",
        XorMappedAddress => "XOR-MAPPED-ADDRESS",
        Padding => "PADDING",
        ResponsePort => "RESPONSE-PORT",
        Software => "SOFTWARE",
        Fingerprint => "FINGERPRINT",
        ResponseOrigin => "RESPONSE-ORIGIN",
        OtherAddress => "OTHER-ADDRESS",
        _ => $"0x{type:X4}",
    };

    // The attributes this codec interprets, one bit each: the parser rejects a second copy of any of them (RFC 8489 §14
    // lets a receiver ignore duplicates; refusing them means an ALG or attacker cannot show two different answers to
    // two readers), and the writer refuses to produce one.
    internal static int Slot(ushort type) => type switch
    {
        MappedAddress => 0,
        ChangeRequest => 1,
        Username => 2,
        MessageIntegrity => 3,
        ErrorCode => 4,
        UnknownAttributes => 5,
        XorMappedAddress => 6,
        Padding => 7,
        ResponsePort => 8,
        Software => 9,
        Fingerprint => 10,
        ResponseOrigin => 11,
        OtherAddress => 12,
        _ => -1,
    };
}
