using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>
/// Periodically re-posts every open alert to Alertmanager (which resolves an alert not re-posted within its
/// <c>resolve_timeout</c>) and queues re-notifications of firing, unacknowledged alerts for the direct channels.
/// </summary>
public sealed partial class AlertRefresher(
    NotificationStore notifications, AlertStore alerts, NotificationChannels channels, IServiceProvider services, NotificationSignal signal,
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
        if (channels.All.Contains(NotificationChannels.Alertmanager))
        {
            var alertmanager = services.GetRequiredService<AlertmanagerNotifier>();
            var open = await notifications.ListOpenAlertsAsync(10_000, cancellationToken);
            foreach (var chunk in open.Chunk(500))
            {
                await alertmanager.PostAsync(chunk.Select(alertmanager.ToPostable).ToList(), cancellationToken);
            }
        }

        if (channels.Direct.Count > 0
            && await alerts.QueueRenotificationsAsync(timeProvider.GetUtcNow() - options.Value.RenotifyInterval, channels.Direct, cancellationToken) > 0)
        {
            signal.Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing open alerts failed; the next round tries again")]
    private partial void LogRefreshFailed(Exception exception);
}
