namespace FleetMonitor.Probes.Media;

/// <summary>
/// Loss, loss bursts and the E-model's burst ratio of one stream, from which of its sequence numbers came back.
/// </summary>
/// <param name="Sent">Packets sent.</param>
/// <param name="Received">Distinct packets received (duplicates and unknown sequence numbers not counted).</param>
/// <param name="Duplicates">Extra copies of packets already received.</param>
/// <param name="MaxBurst">The longest run of consecutive lost packets.</param>
/// <param name="Bursts">Runs of consecutive lost packets (a single lost packet is a run of one).</param>
/// <param name="BurstRatio">
/// G.107's BurstR = 1 / (p + q) of the two-state Markov model fitted to the pattern: p = P(lost | previous received),
/// q = P(received | previous lost). 1 for random loss, above 1 for bursty loss; 1 when there is nothing to fit
/// (no loss, or every packet lost).
/// </param>
internal sealed record LossAnalysis(int Sent, int Received, int Duplicates, int MaxBurst, int Bursts, double BurstRatio)
{
    public int Lost => Sent - Received;

    /// <summary>Lost / sent, 0..1 (0 when nothing was sent).</summary>
    public double LossRatio => Sent == 0 ? 0 : (double)Lost / Sent;

    /// <summary>Analyses a stream whose packets carried sequence numbers 0 .. <paramref name="sent"/> - 1.</summary>
    /// <param name="sent">Packets sent, numbered from 0 in sending order.</param>
    /// <param name="receivedSequences">Sequence numbers that came back, in any order, possibly repeated.</param>
    public static LossAnalysis FromSequences(int sent, IEnumerable<long> receivedSequences)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sent);
        ArgumentNullException.ThrowIfNull(receivedSequences);

        var received = new bool[sent];
        int distinct = 0, duplicates = 0;
        foreach (var sequence in receivedSequences)
        {
            if (sequence < 0 || sequence >= sent)
                continue;
            if (received[sequence])
            {
                duplicates++;
                continue;
            }

            received[sequence] = true;
            distinct++;
        }

        return FromPattern(received, duplicates) with { Received = distinct };
    }

    /// <summary>Analyses a received/lost pattern in sending order.</summary>
    public static LossAnalysis FromPattern(IReadOnlyList<bool> received, int duplicates = 0)
    {
        ArgumentNullException.ThrowIfNull(received);

        int distinct = 0, maxBurst = 0, bursts = 0, run = 0;
        // Transition counts of the two-state (received, lost) chain over consecutive packets.
        int fromReceived = 0, receivedToLost = 0, fromLost = 0, lostToReceived = 0;
        for (var i = 0; i < received.Count; i++)
        {
            if (received[i])
            {
                distinct++;
                run = 0;
            }
            else
            {
                if (run == 0)
                    bursts++;
                run++;
                maxBurst = Math.Max(maxBurst, run);
            }

            if (i == 0)
                continue;
            if (received[i - 1])
            {
                fromReceived++;
                if (!received[i])
                    receivedToLost++;
            }
            else
            {
                fromLost++;
                if (received[i])
                    lostToReceived++;
            }
        }

        var p = fromReceived == 0 ? 0 : (double)receivedToLost / fromReceived;
        var q = fromLost == 0 ? 0 : (double)lostToReceived / fromLost;
        // Loss that never recovers within the stream (q = 0) still gives a finite BurstR of 1 / p: a long outage
        // scores as the long burst it is.
        var burstRatio = p + q > 0 ? 1 / (p + q) : 1;
        return new LossAnalysis(received.Count, distinct, duplicates, maxBurst, bursts, burstRatio);
    }
}
