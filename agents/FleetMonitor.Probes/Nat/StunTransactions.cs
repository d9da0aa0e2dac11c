using System.Net;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Nat;

/// <summary>
/// Runs the NAT probe's STUN transactions: paced starts, RFC 8489 retransmission, and a soft deadline after which
/// nothing more is sent or waited for (so the probe has time to report before its hard deadline).
/// </summary>
internal sealed class StunTransactions(
    TimeProvider timeProvider, RetransmissionSchedule schedule, TransactionPacer pacer, NatCounters counters, long softDeadline)
{
    private readonly Lock _lock = new();
    private readonly List<double> _rttSamples = [];

    public RetransmissionSchedule Schedule => schedule;

    /// <summary>Round trips of transactions the server answered to the sender after one transmission, in milliseconds.</summary>
    public IReadOnlyList<double> RttSamples
    {
        get
        {
            lock (_lock)
                return [.. _rttSamples];
        }
    }

    /// <summary>Time left before the soft deadline.</summary>
    public TimeSpan Remaining => softDeadline == long.MaxValue
        ? TimeSpan.MaxValue
        : TimeSpan.FromSeconds((double)(softDeadline - timeProvider.GetTimestamp()) / timeProvider.TimestampFrequency);

    /// <summary>
    /// Sends <paramref name="request"/> from <paramref name="sender"/> to <paramref name="to"/>, retransmitting until an
    /// answer arrives on the sender or on <paramref name="receiver"/> (RESPONSE-PORT, hairpinning), the schedule ends,
    /// or the soft deadline comes. With <paramref name="decideOnSilence"/>, a silence ends the transaction as soon as it
    /// is conclusive (two RTOs after the third transmission, 2.5 s from the first by default) instead of at the end of the schedule: for the
    /// tests whose silence is itself the answer.
    /// </summary>
    public async Task<StunOutcome> RunAsync(
        StunSocket sender, IPEndPoint to, StunMessageWriter request, StunSocket? receiver, CancellationToken cancellationToken,
        bool decideOnSilence = false)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(request);
        await pacer.WaitAsync(cancellationToken);
        if (Remaining <= TimeSpan.Zero)
            return new StunOutcome(null, false, 0, false, null);

        counters.Transaction();
        var id = request.TransactionId;
        var datagram = request.ToArray();
        var onSender = sender.Expect(id);
        var onReceiver = receiver?.Expect(id);
        long? firstSentAt = null;
        try
        {
            for (var i = 0; i < schedule.Transmissions; i++)
            {
                var remaining = Remaining;
                if (remaining <= TimeSpan.Zero)
                    return new StunOutcome(null, false, i, RetransmissionSchedule.IsConclusive(i, ranToEnd: false), null) { FirstSentAt = firstSentAt };

                var sentAt = timeProvider.GetTimestamp();
                firstSentAt ??= sentAt;
                await sender.SendAsync(datagram, to, cancellationToken);
                // Deciding on silence: after the third transmission, one more doubled RTO (1 s by default), not the
                // schedule's longer waits.
                var decides = decideOnSilence && RetransmissionSchedule.IsConclusive(i + 1, ranToEnd: false) && i + 1 < schedule.Transmissions;
                var wait = decides ? schedule.Rto * 2 : schedule.WaitAfter(i);
                var cut = wait > remaining;
                using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(cut ? remaining : wait, timeProvider, waiting.Token);
                var first = onReceiver is null
                    ? await Task.WhenAny(onSender, delay)
                    : await Task.WhenAny(onSender, onReceiver, delay);
                await waiting.CancelAsync();
                if (first != delay)
                {
                    var answer = await (Task<StunReceived>)first;
                    // Only a server's answer to the sender is a round trip to the server (a hairpinned request or a
                    // RESPONSE-PORT answer to another socket is not).
                    TimeSpan? rtt = i == 0 && first == onSender ? timeProvider.GetElapsedTime(sentAt, answer.At) : null;
                    if (rtt is { } sample)
                    {
                        lock (_lock)
                            _rttSamples.Add(sample.TotalMilliseconds);
                    }

                    return new StunOutcome(answer, first == onReceiver, i + 1, true, rtt) { FirstSentAt = firstSentAt };
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (cut || (decideOnSilence && RetransmissionSchedule.IsConclusive(i + 1, ranToEnd: false)))
                    return new StunOutcome(null, false, i + 1, RetransmissionSchedule.IsConclusive(i + 1, ranToEnd: false), null) { FirstSentAt = firstSentAt };
            }

            return new StunOutcome(null, false, schedule.Transmissions, true, null) { FirstSentAt = firstSentAt };
        }
        finally
        {
            sender.Forget(id);
            receiver?.Forget(id);
        }
    }
}
