using System.Diagnostics;
using FleetMonitor.Alerting.Silences;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>
/// Delivers the notification outbox: claims due deliveries, hands each to its channel, records the outcome, and retries
/// failures with exponential back-off. The outbox is in the database, so a restart loses nothing. A notification of
/// an alert that a silence matches now is held back (never sent) and the alert marked silenced.
/// </summary>
public sealed partial class NotificationDispatcher(
    NotificationStore store, AlertStore alerts, SilenceStore silences, CorrelationStore correlation, NotificationChannels channels,
    IEnumerable<IAlertNotifier> notifiers, NotificationSignal signal,
    AlertingMetrics metrics, TimeProvider timeProvider, IOptions<AlertingOptions> options, ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private readonly Dictionary<string, IAlertNotifier> _notifiers = notifiers.ToDictionary(n => n.Channel, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DispatchOnceAsync(stoppingToken) > 0)
                {
                    continue;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDispatchFailed(e);
            }

            try
            {
                await signal.WaitAsync(options.Value.DispatchPollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Delivers what is due now; returns how many deliveries were attempted.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var due = await store.ClaimDueAsync(100, options.Value.DeliveryTimeout * 2, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var live = await silences.ListLiveAsync(cancellationToken);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (notification, token) => await DeliverAsync(notification, live, token));
        return due.Count;
    }

    private async Task DeliverAsync(AlertNotificationRow notification, IReadOnlyList<SilenceRow> live, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (!_notifiers.TryGetValue(notification.Channel, out var notifier))
            {
                throw new InvalidOperationException($"No channel '{notification.Channel}' is configured");
            }

            var alert = await alerts.GetAsync(notification.AlertId, cancellationToken)
                ?? throw new InvalidOperationException($"Alert {notification.AlertId} does not exist");
            // A refresh queued while the resolve was being committed comes after it: posting it would fire the alert again.
            if (notification.Action == NotificationStore.RefreshAction && alert.State == AlertStates.Resolved)
            {
                await store.MarkHeldAsync(notification, "dropped", "the alert was resolved", cancellationToken);
                return;
            }

            if (SilenceSchedule.Find(live, alert, timeProvider.GetUtcNow()) is { } silence)
            {
                await alerts.MarkSilencedAsync(alert.Id, silence.Id, cancellationToken);
                await store.MarkHeldAsync(notification, "silenced", $"held back by silence {silence.Id}", cancellationToken);
                metrics.Delivery(notification.Channel, "silenced", Stopwatch.GetElapsedTime(started));
                return;
            }

            // An alert of a group is told through the group's alert; a first page of an alert with a known network,
            // PBX target or router model may found or join one.
            var group = alert.GroupId ?? (notification.Action == "firing" && options.Value.GroupThreshold > 0
                ? await correlation.GroupAsync(alert, options.Value.GroupThreshold, options.Value.GroupWait, channels.All, cancellationToken)
                : null);
            if (group is { } groupId)
            {
                await store.MarkHeldAsync(notification, "grouped", $"told through grouped alert {groupId}", cancellationToken);
                metrics.Delivery(notification.Channel, "grouped", Stopwatch.GetElapsedTime(started));
                signal.Wake();
                return;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.DeliveryTimeout);
            await notifier.DeliverAsync(alert, notification.Action, timeout.Token);
            await store.MarkDeliveredAsync(notification, cancellationToken);
            metrics.Delivery(notification.Channel, "delivered", Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var attempts = notification.Attempts + 1;
            var giveUp = attempts >= options.Value.MaxAttempts;
            var delay = TimeSpan.FromTicks(Math.Min(
                options.Value.RetryMaxDelay.Ticks,
                options.Value.RetryBaseDelay.Ticks * (long)Math.Pow(2, Math.Min(attempts - 1, 30))));
            // Only the exception's message: a receiver URL (Slack, Teams) is a secret and stays out of the log.
            await store.MarkFailedAsync(notification.Id, e.Message, giveUp ? null : timeProvider.GetUtcNow() + delay, cancellationToken);
            metrics.Delivery(notification.Channel, giveUp ? "failed" : "retry", Stopwatch.GetElapsedTime(started));
            LogDeliveryFailed(notification.Channel, notification.AlertId, attempts, giveUp, e.GetType().Name, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification dispatch failed")]
    private partial void LogDispatchFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Channel} of alert {AlertId} failed (attempt {Attempts}, gave up: {GaveUp}): {ErrorType} {Error}")]
    private partial void LogDeliveryFailed(string channel, Guid alertId, int attempts, bool gaveUp, string errorType, string error);
}
