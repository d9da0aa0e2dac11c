using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using FleetMonitor.Ingestion.FleetMetrics;
using Prometheus;

namespace FleetMonitor.Ingestion;

/// <summary>Ingestion's Prometheus metrics (low-cardinality labels only; never the agent id).</summary>
public sealed class IngestionMetrics
{
    private static readonly Counter Received = Metrics.CreateCounter(
        "fleetmonitor_ingestion_results_received_total", "Valid probe results received, duplicates included.", "kind", "outcome");

    private static readonly Counter Stored = Metrics.CreateCounter(
        "fleetmonitor_ingestion_results_stored_total", "Probe results stored for the first time.");

    private static readonly Counter Duplicates = Metrics.CreateCounter(
        "fleetmonitor_ingestion_results_duplicate_total", "Probe results received again and not stored twice.");

    private static readonly Counter Rejected = Metrics.CreateCounter(
        "fleetmonitor_ingestion_messages_rejected_total", "Messages moved to an error queue, by reason.", "queue", "reason");

    private static readonly Counter StateChanges = Metrics.CreateCounter(
        "fleetmonitor_ingestion_state_changes_total", "Agent/probe states that changed.", "kind", "outcome");

    private static readonly Counter Heartbeats = Metrics.CreateCounter(
        "fleetmonitor_ingestion_heartbeats_total", "Agent heartbeats recorded.");

    private static readonly Histogram BatchSeconds = Metrics.CreateHistogram(
        "fleetmonitor_ingestion_batch_seconds", "Time to write one batch.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });

    private static readonly Histogram BatchSize = Metrics.CreateHistogram(
        "fleetmonitor_ingestion_batch_size", "Results per written batch.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 14) });

    private static readonly Histogram ResultAge = Metrics.CreateHistogram(
        "fleetmonitor_ingestion_result_age_seconds", "Time from a result's start at the agent to the commit that stored it.",
        new HistogramConfiguration { Buckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60, 300] });

    private readonly FleetResultMetrics _fleet = new();

    /// <summary>Counts a result; an unknown kind is counted as <c>other</c>, so agent input never makes new series.</summary>
    public void ResultReceived(ProbeCompleted result)
    {
        Received.WithLabels(AgentDataRules.KindLabel(result.Kind), OutcomeText.Format(result.Outcome)).Inc();
        _fleet.Record(result);
    }

    /// <summary>A stored result's age at its commit: probe run, the agent's outbox, the broker and the batch write.</summary>
    public void ResultCommitted(ProbeCompleted result, DateTimeOffset committedAt) =>
        ResultAge.Observe(Math.Max(0, (committedAt - result.StartedAt).TotalSeconds));

    public void BatchStored(int inserted, int duplicates)
    {
        Stored.Inc(inserted);
        Duplicates.Inc(duplicates);
    }

    public void MessageRejected(string queue, string reason) => Rejected.WithLabels(queue, reason).Inc();

    public static double RejectedCount(string queue, string reason) => Rejected.WithLabels(queue, reason).Value;

    public void StateChanged(string kind, string outcome) => StateChanges.WithLabels(AgentDataRules.KindLabel(kind), outcome).Inc();

    public void HeartbeatRecorded() => Heartbeats.Inc();

    public void BatchWritten(int size, TimeSpan elapsed)
    {
        BatchSize.Observe(size);
        BatchSeconds.Observe(elapsed.TotalSeconds);
    }
}
