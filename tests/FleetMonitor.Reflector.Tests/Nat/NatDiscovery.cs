using System.Globalization;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>Runs coturn's <c>turnutils_natdiscovery</c> from the client namespace: an independent RFC 5780 classifier.</summary>
internal static class NatDiscovery
{
    /// <summary>
    /// Runs it with <paramref name="tests"/> (<c>-m</c>, <c>-f</c>, <c>-H</c>, <c>-t -T N</c>) against
    /// <paramref name="port"/> on the primary address. <c>-L</c> pins its sockets to the client's address, so that its
    /// three mapping requests share one local port (without it each would come from a new port) and it can say "No NAT".
    /// </summary>
    public static async Task<NatDiscoveryReport> RunAsync(NatTopology net, int port, TimeSpan limit, params string[] tests)
    {
        var output = await Command.RunAsync(limit, NetnsPrerequisites.Ip,
        [
            "netns", "exec", net.Client, NatPrerequisites.NatDiscovery, .. tests,
            "-L", NatTopology.ClientAddress, "-p", port.ToString(CultureInfo.InvariantCulture), NatTopology.PrimaryAddress,
        ]);
        return NatDiscoveryReport.Parse(output);
    }
}
