namespace FleetMonitor.Probes.NetnsRunner;

/// <summary>What <c>send</c> printed: the local port it sent from and, per datagram, the replies (hex) that came back.</summary>
public sealed class SendReport
{
    public int LocalPort { get; set; }

    public List<SentDatagram> Datagrams { get; init; } = [];
}
