namespace FleetMonitor.Probes.Nat;

/// <summary>What one NAT probe run cost on the wire, counted across its sockets and tasks.</summary>
internal sealed class NatCounters
{
    private int _transactions;
    private int _sent;
    private int _received;

    public int Transactions => Volatile.Read(ref _transactions);

    public int PacketsSent => Volatile.Read(ref _sent);

    public int PacketsReceived => Volatile.Read(ref _received);

    public void Transaction() => Interlocked.Increment(ref _transactions);

    public void Sent() => Interlocked.Increment(ref _sent);

    public void Received() => Interlocked.Increment(ref _received);
}
