using System.Net;

namespace FleetMonitor.Reflector.Stun;

/// <summary>
/// The RFC 5780 server's two addresses (A1 primary, A2 alternate) and two ports (P1, P2), and its four sockets'
/// endpoints: PA:PP, PA:AP, AA:PP, AA:AP.
/// </summary>
public sealed record StunServerAddresses(IPAddress Primary, IPAddress Alternate, int PrimaryPort, int AlternatePort)
{
    /// <summary>The four endpoints, primary address first, primary port first.</summary>
    public IReadOnlyList<IPEndPoint> All =>
    [
        new(Primary, PrimaryPort),
        new(Primary, AlternatePort),
        new(Alternate, PrimaryPort),
        new(Alternate, AlternatePort),
    ];

    /// <summary>Ca: the address a request did not arrive on.</summary>
    public IPAddress OtherAddress(IPAddress received) => received.Equals(Primary) ? Alternate : Primary;

    /// <summary>Cp: the port a request did not arrive on.</summary>
    public int OtherPort(int received) => received == PrimaryPort ? AlternatePort : PrimaryPort;

    /// <summary>OTHER-ADDRESS for a request that arrived on <paramref name="received"/>: Ca:Cp, whatever the flags (RFC 5780 §6.1, table 1).</summary>
    public IPEndPoint OtherEndpoint(IPEndPoint received)
    {
        ArgumentNullException.ThrowIfNull(received);
        return new IPEndPoint(OtherAddress(received.Address), OtherPort(received.Port));
    }
}
