using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>Delivers one alert change to one channel; throws when the receiver did not take it (the dispatcher retries).</summary>
public interface IAlertNotifier
{
    string Channel { get; }

    /// <summary>Sends <paramref name="alert"/>'s <paramref name="action"/>: <c>firing</c>, <c>renotify</c>, <c>acknowledged</c> or <c>resolved</c>.</summary>
    Task DeliverAsync(AlertRow alert, string action, CancellationToken cancellationToken);
}
