using FleetMonitor.Protocols.Media;

namespace FleetMonitor.Probes.Media;

/// <summary>
/// The book-keeping of one media stream, shared by its sending and receiving loops: what was sent when, and which
/// echoes came back when.
/// </summary>
internal sealed class MediaStreamRun(uint streamId, int count)
{
    private readonly Lock _lock = new();
    private readonly long[] _sentAt = new long[count];
    private readonly bool[] _sent = new bool[count];
    private readonly bool[] _echoed = new bool[count];
    private readonly List<Echo> _echoes = new(count);
    private readonly TaskCompletionSource _allEchoed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sentCount;
    private bool _sendingDone;

    public uint StreamId => streamId;

    /// <summary>Completes when sending is over and every packet sent has come back.</summary>
    public Task AllEchoed => _allEchoed.Task;

    /// <summary>Echoes in arrival order (read after both loops ended).</summary>
    public IReadOnlyList<Echo> Echoes => _echoes;

    public int Duplicates { get; private set; }

    /// <summary>Datagrams that arrived on the socket but were not an echo of this stream.</summary>
    public int Foreign { get; private set; }

    /// <summary>The peer's host said, by ICMP, that nothing listens on the port.</summary>
    public bool Refused { get; private set; }

    /// <summary>The last error the socket reported other than a refusal.</summary>
    public string? SocketError { get; private set; }

    /// <summary>Records a packet as sent at <paramref name="timestamp"/>; called before the datagram leaves, so that its echo always finds it.</summary>
    public void Sending(uint sequence, long timestamp)
    {
        lock (_lock)
        {
            _sentAt[sequence] = timestamp;
            _sent[sequence] = true;
            _sentCount++;
        }
    }

    /// <summary>Takes back <see cref="Sending"/> when the datagram could not be sent.</summary>
    public void NotSent(uint sequence)
    {
        lock (_lock)
        {
            _sent[sequence] = false;
            _sentCount--;
        }
    }

    public void SendingDone()
    {
        lock (_lock)
        {
            _sendingDone = true;
            CheckAllEchoed();
        }
    }

    /// <summary>Records a datagram that arrived at <paramref name="timestamp"/>; false when it is not an echo of this stream.</summary>
    public bool Received(MediaPacketHeader header, long timestamp)
    {
        lock (_lock)
        {
            // The echoed send time must be the one recorded: a forged or corrupted echo must not yield an RTT.
            if (!header.Echoed || header.StreamId != streamId || header.Sequence >= (uint)_sent.Length
                || !_sent[header.Sequence] || _sentAt[header.Sequence] != header.SendTimestamp)
            {
                Foreign++;
                return false;
            }

            if (_echoed[header.Sequence])
            {
                Duplicates++;
                return true;
            }

            _echoed[header.Sequence] = true;
            _echoes.Add(new Echo(header.Sequence, header.SendTimestamp, timestamp));
            CheckAllEchoed();
            return true;
        }
    }

    public void Unrelated()
    {
        lock (_lock)
            Foreign++;
    }

    public void PortUnreachable()
    {
        lock (_lock)
            Refused = true;
    }

    public void Error(string message)
    {
        lock (_lock)
            SocketError = message;
    }

    /// <summary>Received (true) or lost (false) for every packet sent, in sending order.</summary>
    public IReadOnlyList<bool> Pattern()
    {
        lock (_lock)
        {
            var pattern = new List<bool>(_sentCount);
            for (var i = 0; i < _sent.Length; i++)
            {
                if (_sent[i])
                    pattern.Add(_echoed[i]);
            }

            return pattern;
        }
    }

    private void CheckAllEchoed()
    {
        if (_sendingDone && _echoes.Count == _sentCount)
            _allEchoed.TrySetResult();
    }

    /// <summary>One echo: its sequence number, when it was sent and when it came back (clock ticks).</summary>
    internal readonly record struct Echo(uint Sequence, long SentAt, long ReceivedAt);
}
