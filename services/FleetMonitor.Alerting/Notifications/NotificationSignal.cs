namespace FleetMonitor.Alerting.Notifications;

/// <summary>Wakes the dispatcher as soon as an evaluation queued something, instead of waiting for its next poll.</summary>
public sealed class NotificationSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller woke it in between: once is enough.
            }
        }
    }

    public void Dispose() => _signal.Dispose();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
