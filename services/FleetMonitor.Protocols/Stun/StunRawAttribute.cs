namespace FleetMonitor.Protocols.Stun;

/// <summary>An attribute this codec carries without interpreting (ICE's PRIORITY, REALM, NONCE, ...): its type and value, unpadded.</summary>
public sealed record StunRawAttribute(ushort Type, ReadOnlyMemory<byte> Value)
{
    public bool IsComprehensionRequired => StunAttributeType.IsComprehensionRequired(Type);
}
