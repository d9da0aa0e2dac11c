namespace FleetMonitor.Probes.Nat;

/// <summary>
/// Spaces the start of new STUN transactions: RFC 5780 §5 asks a client for at most ten new transactions a second,
/// paced so that their retransmissions do not synchronise (and a NAT that limits how fast it creates bindings is not
/// tested at its limit). Retransmissions are not paced.
/// </summary>
internal sealed class TransactionPacer(TimeProvider timeProvider, TimeSpan interval) : IDisposable
{
    /// <summary>RFC 5780 §5: "no more than ten new STUN transactions per second".</summary>
    public static readonly TimeSpan RfcInterval = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long? _last;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last)
            {
                var wait = interval - timeProvider.GetElapsedTime(last);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, timeProvider, cancellationToken);
            }

            _last = timeProvider.GetTimestamp();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
