using System.Globalization;
using System.Xml.Linq;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>nmap (Debian package) as the independent scanner the connect-back scan must agree with.</summary>
internal static class Nmap
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>How many paced re-scans (<c>pacedToIcmpLimit</c>) a caller gives the ports nmap left unanswered.</summary>
    public const int PacedRounds = 3;

    /// <summary>
    /// <c>nmap -sT -sU</c> from <paramref name="ns"/> against <paramref name="address"/> on exactly <paramref name="ports"/>
    /// (<c>5060/udp</c> style), without host discovery or DNS; the state nmap reports for each port. With
    /// <paramref name="versionDetection"/>, <c>-sV</c> too: nmap's own way to tell open from open|filtered on a UDP port
    /// for which its scan has no payload, by sending its service probes (its SIPOptions probe for 5060).
    /// </summary>
    /// <remarks>
    /// With <c>defaultTiming</c>, nmap's own timing and retries instead of <c>-T4 --max-retries 2</c>: against a router
    /// that rate-limits ICMP errors, only its default retries (which it slows down when it sees the limit) tell closed
    /// UDP ports from open|filtered. With <c>pacedToIcmpLimit</c>, one probe at a time 1.1 s apart (Linux's ICMP error
    /// budget refills one a second per destination) and up to 6 retries, so that a closed port's port-unreachable is not
    /// dropped by the limit however slowly a loaded machine lets nmap run; for a few ports only.
    /// </remarks>
    public static async Task<IReadOnlyDictionary<string, string>> ScanAsync(
        string ns, string address, IEnumerable<string> ports, bool versionDetection = false, bool defaultTiming = false, bool pacedToIcmpLimit = false)
    {
        var nmap = Command.Find("nmap");
        if (nmap is null)
            Assert.Fail("nmap is not installed: run `bash scripts/peers.sh` (it installs nmap from scripts/test-packages.txt)");
        var list = ports.ToArray();
        var tcp = list.Where(p => p.EndsWith("/tcp", StringComparison.Ordinal)).Select(p => p[..p.IndexOf('/', StringComparison.Ordinal)]).ToArray();
        var udp = list.Where(p => p.EndsWith("/udp", StringComparison.Ordinal)).Select(p => p[..p.IndexOf('/', StringComparison.Ordinal)]).ToArray();
        List<string> arguments = pacedToIcmpLimit ? ["netns", "exec", ns, nmap, "-n", "-Pn", "--scan-delay", "1100ms", "--max-retries", "6"]
            : defaultTiming ? ["netns", "exec", ns, nmap, "-n", "-Pn"]
            : ["netns", "exec", ns, nmap, "-n", "-Pn", "-T4", "--max-retries", "2"];
        if (tcp.Length > 0)
            arguments.Add("-sT");
        if (udp.Length > 0)
            arguments.Add("-sU");
        if (versionDetection)
            arguments.AddRange(["-sV", "--version-intensity", "0"]);
        var spec = new List<string>();
        if (tcp.Length > 0)
            spec.Add($"T:{string.Join(',', tcp)}");
        if (udp.Length > 0)
            spec.Add($"U:{string.Join(',', udp)}");
        arguments.AddRange(["-p", string.Join(',', spec), address, "-oX", "-"]);
        var xml = await Command.RunAsync(Limit, NetnsPrerequisites.Ip, [.. arguments]);
        var document = XDocument.Parse(xml);
        return document.Descendants("port").ToDictionary(
            p => $"{int.Parse(p.Attribute("portid")!.Value, CultureInfo.InvariantCulture)}/{p.Attribute("protocol")!.Value}",
            p => p.Element("state")!.Attribute("state")!.Value);
    }
}
