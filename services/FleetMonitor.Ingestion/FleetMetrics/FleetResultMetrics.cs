using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Prometheus;

namespace FleetMonitor.Ingestion.FleetMetrics;

/// <summary>
/// The fleet as Prometheus sees it from the results Ingestion receives: results by site, kind and outcome, MOS and
/// loss per site, findings by code. Labels come from closed or capped sets (<see cref="SiteLabels"/>,
/// <see cref="AgentDataRules.KindLabel"/>, <see cref="FindingLabels"/>); never an agent id, so the number of series
/// does not grow with the fleet. The counts of broken, exposed and offline agents per site are the Api's
/// (<c>fleetmonitor_fleet_agents</c>): it reads the latest state of every agent, Ingestion sees one result at a time.
/// </summary>
internal sealed class FleetResultMetrics
{
    /// <summary>Media measurement that carries the MOS (E-model with packet-loss concealment).</summary>
    public const string MosMeasurement = "mos_plc";

    /// <summary>Media measurement that carries the packet loss, 0 to 1.</summary>
    public const string LossMeasurement = "loss_ratio";

    /// <summary>Distinct site labels before further sites are counted as <c>other</c>.</summary>
    public const int DefaultSiteLimit = 1000;

    private readonly Counter _results;
    private readonly Histogram _mos;
    private readonly Histogram _loss;
    private readonly Counter _findings;
    private readonly SiteLabels _sites;

    public FleetResultMetrics()
        : this(Prometheus.Metrics.DefaultFactory, DefaultSiteLimit)
    {
    }

    public FleetResultMetrics(IMetricFactory factory, int siteLimit)
    {
        _sites = new SiteLabels(siteLimit);
        _results = factory.CreateCounter(
            "fleetmonitor_fleet_results_total", "Probe results received, by site, kind and outcome (redeliveries included).", ["site", "kind", "outcome"]);
        _mos = factory.CreateHistogram(
            "fleetmonitor_fleet_mos_score", "MOS (mos_plc) of media results, by site.",
            new HistogramConfiguration { LabelNames = ["site"], Buckets = [1.0, 2.0, 2.5, 3.0, 3.5, 3.8, 4.0, 4.2, 4.4, 5.0] });
        _loss = factory.CreateHistogram(
            "fleetmonitor_fleet_loss_ratio", "Packet loss (loss_ratio) of media results, by site.",
            new HistogramConfiguration { LabelNames = ["site"], Buckets = [0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1] });
        _findings = factory.CreateCounter(
            "fleetmonitor_fleet_findings_total", "Findings in received results, by code (families without their number; unknown codes as other).", ["code"]);
    }

    public void Record(ProbeCompleted result)
    {
        var site = _sites.Label(result.SiteId);
        _results.WithLabels(site, AgentDataRules.KindLabel(result.Kind), OutcomeText.Format(result.Outcome)).Inc();
        if (result.Measurements.TryGetValue(MosMeasurement, out var mos) && double.IsFinite(mos))
        {
            _mos.WithLabels(site).Observe(mos);
        }

        if (result.Measurements.TryGetValue(LossMeasurement, out var loss) && double.IsFinite(loss))
        {
            _loss.WithLabels(site).Observe(loss);
        }

        foreach (var finding in result.Findings)
        {
            _findings.WithLabels(FindingLabels.Label(finding)).Inc();
        }
    }
}
