namespace FleetMonitor.Protocols.Stun;

/// <summary>A STUN message type: a 12-bit method and a 2-bit class, interleaved on the wire as RFC 8489 §5 draws them.</summary>
public readonly record struct StunMessageType
{
    /// <summary>The Binding method (RFC 8489 §18.2), the only one this project uses.</summary>
    public const int BindingMethod = 0x001;

    public StunMessageType(int method, StunClass @class)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(method);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(method, 0xFFF);
        if (!Enum.IsDefined(@class))
            throw new ArgumentOutOfRangeException(nameof(@class));
        Method = method;
        Class = @class;
    }

    public int Method { get; }

    public StunClass Class { get; }

    public static StunMessageType BindingRequest => new(BindingMethod, StunClass.Request);

    public static StunMessageType BindingIndication => new(BindingMethod, StunClass.Indication);

    public static StunMessageType BindingSuccess => new(BindingMethod, StunClass.SuccessResponse);

    public static StunMessageType BindingError => new(BindingMethod, StunClass.ErrorResponse);

    // Bit layout of the 14-bit field, most significant first: M11-M7, C1, M6-M4, C0, M3-M0 (RFC 8489 §5, figure 3).
    public ushort Encode()
    {
        var m = Method;
        var c = (int)Class;
        return (ushort)(((m & 0xF80) << 2) | ((m & 0x070) << 1) | (m & 0x00F) | ((c & 0b10) << 7) | ((c & 0b01) << 4));
    }

    /// <summary>Decodes the type field; the two most significant bits, which must be zero in STUN, are ignored here.</summary>
    public static StunMessageType Decode(ushort value)
    {
        var method = (value & 0x000F) | ((value >> 1) & 0x0070) | ((value >> 2) & 0x0F80);
        var @class = ((value >> 7) & 0b10) | ((value >> 4) & 0b01);
        return new StunMessageType(method, (StunClass)@class);
    }
}
