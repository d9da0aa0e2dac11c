using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>Classifies one probe state as broken, exposed, degraded or ok, and names the cause (see <see cref="FleetClass"/>).</summary>
public static class FleetClassifier
{
    // Router port mappings made through UPnP that let the internet in: SIP or RTP ports, the router's admin, wide ranges,
    // or mappings to another host. "upnp.not_found"/"upnp.failed" only say UPnP could not be asked.
    private static readonly string[] ExposedPrefixes = ["exposure.open.", "upnp.mapping."];

    // A SIP ALG rewriting requests breaks registration and media even when the probe itself completed.
    private const string AlgRewrotePrefix = "sip.alg.rewrote_";

    public static (string Class, string Cause) Classify(string kind, string outcome, IReadOnlyList<string> findings, string? error)
    {
        var exposure = findings.Where(f => ExposedPrefixes.Any(p => f.StartsWith(p, StringComparison.Ordinal))).ToList();
        var parsed = OutcomeText.Parse(outcome);
        if (parsed == ProbeOutcome.Failed && kind != "exposure" && kind != "upnp")
        {
            return (FleetClass.Broken, Cause(findings, error, $"{kind} failed"));
        }

        var alg = findings.Where(f => f.StartsWith(AlgRewrotePrefix, StringComparison.Ordinal)).ToList();
        if (alg.Count > 0)
        {
            return (FleetClass.Broken, string.Join(", ", alg));
        }

        if (exposure.Count > 0)
        {
            return (FleetClass.Exposed, string.Join(", ", exposure));
        }

        return parsed switch
        {
            ProbeOutcome.Ok => (FleetClass.Ok, ""),
            ProbeOutcome.Error => (FleetClass.Degraded, Cause(findings, error, "the probe could not run")),
            _ => (FleetClass.Degraded, Cause(findings, error, $"{kind} {outcome}")),
        };
    }

    private static string Cause(IReadOnlyList<string> findings, string? error, string otherwise) =>
        findings.Count > 0 ? string.Join(", ", findings) : error ?? otherwise;
}
