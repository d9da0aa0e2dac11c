using Prometheus;

namespace FleetMonitor.Alerting;

/// <summary>Alerting's Prometheus metrics (low-cardinality labels only; never the agent id).</summary>
public sealed class AlertingMetrics
{
    private static readonly Counter Evaluated = Metrics.CreateCounter(
        "fleetmonitor_alerting_observations_total", "Results and state changes evaluated, by source and what became of them.", "source", "result");

    private static readonly Counter Opened = Metrics.CreateCounter(
        "fleetmonitor_alerting_alerts_opened_total", "Alerts opened, by class and alert name.", "class", "alertname");

    private static readonly Counter Resolved = Metrics.CreateCounter(
        "fleetmonitor_alerting_alerts_resolved_total", "Alerts resolved, by class.", "class");

    private static readonly Counter Deliveries = Metrics.CreateCounter(
        "fleetmonitor_alerting_notifications_total", "Notification delivery attempts, by channel and outcome.", "channel", "outcome");

    private static readonly Counter Rejected = Metrics.CreateCounter(
        "fleetmonitor_alerting_messages_rejected_total", "Messages moved to an error queue, by queue and reason.", "queue", "reason");

    private static readonly Histogram DeliverySeconds = Metrics.CreateHistogram(
        "fleetmonitor_alerting_notification_seconds", "Time to deliver one notification.", new HistogramConfiguration
        {
            LabelNames = ["channel"],
            Buckets = Histogram.ExponentialBuckets(0.001, 2, 14),
        });

    private static readonly Histogram BatchSize = Metrics.CreateHistogram(
        "fleetmonitor_alerting_evaluation_batch_size", "Results and state changes evaluated in one transaction.", new HistogramConfiguration
        {
            Buckets = Histogram.ExponentialBuckets(1, 2, 11),
        });

    private static readonly Histogram BatchSeconds = Metrics.CreateHistogram(
        "fleetmonitor_alerting_evaluation_batch_seconds", "Time to evaluate and commit one batch.", new HistogramConfiguration
        {
            Buckets = Histogram.ExponentialBuckets(0.001, 2, 14),
        });

    public void Observation(string source, string result) => Evaluated.WithLabels(source, result).Inc();

    public void Batch(int size, TimeSpan duration)
    {
        BatchSize.Observe(size);
        BatchSeconds.Observe(duration.TotalSeconds);
    }

    public void AlertOpened(string alertClass, string alertname) => Opened.WithLabels(alertClass, alertname).Inc();

    public void AlertResolved(string alertClass) => Resolved.WithLabels(alertClass).Inc();

    public void Delivery(string channel, string outcome, TimeSpan duration)
    {
        Deliveries.WithLabels(channel, outcome).Inc();
        DeliverySeconds.WithLabels(channel).Observe(duration.TotalSeconds);
    }

    public void MessageRejected(string queue, string reason) => Rejected.WithLabels(queue, reason).Inc();
}
