using System.Net;
using FleetMonitor.Contracts;

namespace FleetMonitor.Probes.Upnp;

/// <summary>Which of an IGD's port mappings matter to a phone's site, as finding codes with the mappings behind each.</summary>
internal static class UpnpMappingRules
{
    public static readonly IReadOnlySet<int> SipPorts = new HashSet<int> { 5060, 5061 };

    public static readonly IReadOnlySet<int> AdminPorts = new HashSet<int> { 22, 23, 80, 443, 3389, 7547, 8080, 8443 };

    /// <summary>RTP ranges of many PBXs (10000-20000) and phones (16384-32767), used when the site names none.</summary>
    public static readonly IReadOnlyList<(int First, int Last)> DefaultRtpRanges = [(10000, 20000), (16384, 32767)];

    /// <summary>
    /// The findings for <paramref name="mappings"/>: SIP, RTP, admin ports (external or internal), runs of at least
    /// <paramref name="wideRange"/> consecutive external ports to one host, and hosts other than <paramref name="local"/>.
    /// </summary>
    public static IReadOnlyList<(string Finding, ProbeOutcome Severity, IReadOnlyList<UpnpPortMapping> Mappings)> Classify(
        IReadOnlyList<UpnpPortMapping> mappings, IReadOnlyList<(int First, int Last)> rtpRanges, int wideRange, IReadOnlySet<IPAddress> local)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        var findings = new List<(string, ProbeOutcome, IReadOnlyList<UpnpPortMapping>)>();
        void Add(string finding, ProbeOutcome severity, IEnumerable<UpnpPortMapping> matched)
        {
            var list = matched.ToArray();
            if (list.Length > 0)
                findings.Add((finding, severity, list));
        }

        Add(FindingCodes.UpnpMappingSip, ProbeOutcome.Degraded,
            mappings.Where(m => SipPorts.Contains(m.ExternalPort) || SipPorts.Contains(m.InternalPort)));
        Add(FindingCodes.UpnpMappingRtp, ProbeOutcome.Degraded,
            mappings.Where(m => m.Protocol == "UDP" && rtpRanges.Any(r => m.ExternalPort >= r.First && m.ExternalPort <= r.Last)));
        Add(FindingCodes.UpnpMappingAdmin, ProbeOutcome.Degraded,
            mappings.Where(m => AdminPorts.Contains(m.ExternalPort) || AdminPorts.Contains(m.InternalPort)));
        Add(FindingCodes.UpnpMappingWideRange, ProbeOutcome.Degraded, WideRuns(mappings, wideRange));
        Add(FindingCodes.UpnpMappingOtherHost, ProbeOutcome.Ok,
            mappings.Where(m => !IPAddress.TryParse(m.InternalClient, out var client) || !local.Contains(Normalize(client))));
        return findings;
    }

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    // Runs of consecutive external ports of one protocol to one internal client.
    private static IEnumerable<UpnpPortMapping> WideRuns(IReadOnlyList<UpnpPortMapping> mappings, int wideRange)
    {
        foreach (var group in mappings.GroupBy(m => (m.Protocol, m.InternalClient)))
        {
            var sorted = group.OrderBy(m => m.ExternalPort).ToList();
            var start = 0;
            for (var i = 1; i <= sorted.Count; i++)
            {
                if (i < sorted.Count && sorted[i].ExternalPort == sorted[i - 1].ExternalPort + 1)
                    continue;
                if (i - start >= wideRange)
                {
                    foreach (var mapping in sorted.Skip(start).Take(i - start))
                        yield return mapping;
                }

                start = i;
            }
        }
    }
}
