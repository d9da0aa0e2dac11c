using System.Net;
using FleetMonitor.Probes.Net;
using FleetMonitor.Protocols.Sip;
using FleetMonitor.Protocols.SipAlg;

namespace FleetMonitor.Probes.SipAlg;

/// <summary>What one transport's exchange with the mirror saw: the verdict, or the failure that kept it from one.</summary>
internal sealed class SipAlgTransportRun(SipTransport transport)
{
    public SipTransport Transport { get; } = transport;

    /// <summary><c>udp</c> or <c>tcp</c>.</summary>
    public string Name => Transport.ToString().ToLowerInvariant();

    /// <summary>The mirror's port this exchange went to.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The prefix of this exchange's facts and measurements: <c>udp</c> or <c>tcp</c> on the target's port, and
    /// <c>udp.5060</c> or <c>tcp.5060</c> on another port checked.
    /// </summary>
    public string Prefix { get; set; } = transport.ToString().ToLowerInvariant();

    public IPEndPoint? Local { get; set; }

    public IPEndPoint? Remote { get; set; }

    /// <summary>The final response of the transaction, as it arrived (after any ALG on the way back).</summary>
    public SipResponse? Response { get; set; }

    public SipAlgVerdict? Verdict { get; set; }

    public NetworkFailure? Failure { get; set; }

    public TimeSpan? Rtt { get; set; }

    public int Retransmissions { get; set; }
}
