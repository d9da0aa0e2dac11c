namespace FleetMonitor.Protocols.Stun;

/// <summary>An ERROR-CODE attribute (RFC 8489 §14.8): a code from 300 to 699 and a reason phrase for people.</summary>
public sealed record StunErrorCode(int Code, string Reason)
{
    public const int TryAlternate = 300;
    public const int BadRequest = 400;
    public const int Unauthenticated = 401;
    public const int UnknownAttribute = 420;
    public const int StaleNonce = 438;
    public const int ServerError = 500;

    /// <summary>The hundreds digit, carried in 3 bits on the wire.</summary>
    public int Class => Code / 100;

    /// <summary>The code modulo 100, carried in 8 bits on the wire.</summary>
    public int Number => Code % 100;
}
