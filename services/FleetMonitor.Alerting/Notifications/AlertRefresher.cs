using FleetMonitor.Alerting.Silences;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>
/// Periodically queues a re-post of every open alert to Alertmanager (which resolves an alert not re-posted within its
/// <c>resolve_timeout</c>), re-notifications of firing, unacknowledged alerts for the direct channels, and a firing
/// notification of every open alert whose silence no longer applies; resolves the grouped alerts whose members all are.
/// </summary>
public sealed partial class AlertRefresher(
    NotificationStore notifications, AlertStore alerts, SilenceStore silences, CorrelationStore correlation, NotificationChannels channels, NotificationSignal signal,
    TimeProvider timeProvider, IOptions<AlertingOptions> options, ILogger<AlertRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(e);
            }
        }
    }

    public async Task RefreshOnceAsync(CancellationToken cancellationToken)
    {
        var queued = 0;
        if (channels.All.Contains(NotificationChannels.Alertmanager))
        {
            queued += await notifications.QueueRefreshAsync(NotificationChannels.Alertmanager, cancellationToken);
        }

        if (channels.Direct.Count > 0)
        {
            queued += await alerts.QueueRenotificationsAsync(timeProvider.GetUtcNow() - options.Value.RenotifyInterval, channels.Direct, cancellationToken);
        }

        queued += await correlation.ResolveSettledGroupsAsync(channels.All, cancellationToken);
        var held = await alerts.ListOpenSilencedAsync(cancellationToken);
        if (held.Count > 0)
        {
            var live = await silences.ListLiveAsync(cancellationToken);
            var now = timeProvider.GetUtcNow();
            foreach (var alert in held)
            {
                if (SilenceSchedule.Find(live, alert, now) is null && await alerts.UnsilenceAsync(alert.Id, alert.SilencedBy!.Value, channels.All, cancellationToken))
                {
                    queued++;
                }
            }
        }

        if (queued > 0)
        {
            signal.Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing open alerts failed; the next round tries again")]
    private partial void LogRefreshFailed(Exception exception);
}
