using System.Security.Cryptography;

namespace FleetMonitor.Bench.Nat;

/// <summary>
/// The NAT tests' topology, for the bench: client (10.0.0.2) → router (10.0.0.1 / 203.0.113.1, a Linux NAT) → internet
/// (203.0.113.10 and .11), in three network namespaces that exist only for the run and are deleted after it.
/// </summary>
internal sealed class BenchTopology : IDisposable
{
    public const string Primary = "203.0.113.10";
    public const string Alternate = "203.0.113.11";

    private BenchTopology(string id)
    {
        Client = $"fmb-{id}-c";
        Router = $"fmb-{id}-r";
        Internet = $"fmb-{id}-i";
    }

    public string Client { get; }

    public string Router { get; }

    public string Internet { get; }

    /// <summary>Builds it with <paramref name="natRules"/> (iptables arguments, each rule one array) on the router.</summary>
    public static BenchTopology Create(IEnumerable<string[]> natRules)
    {
        var topology = new BenchTopology(RandomNumberGenerator.GetHexString(6, lowercase: true));
        try
        {
            topology.Build(natRules);
            return topology;
        }
        catch
        {
            topology.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var ns in new[] { Client, Router, Internet })
            Shell.TryRun("ip", "netns", "delete", ns);
    }

    private void Build(IEnumerable<string[]> natRules)
    {
        foreach (var ns in new[] { Client, Router, Internet })
        {
            Shell.Run("ip", "netns", "add", ns);
            Shell.Run("ip", "-n", ns, "link", "set", "lo", "up");
        }

        Shell.Run("ip", "link", "add", "lan0", "netns", Client, "type", "veth", "peer", "name", "lan0", "netns", Router);
        Shell.Run("ip", "link", "add", "wan0", "netns", Router, "type", "veth", "peer", "name", "wan0", "netns", Internet);
        Shell.Run("ip", "-n", Client, "address", "add", "10.0.0.2/24", "dev", "lan0");
        Shell.Run("ip", "-n", Router, "address", "add", "10.0.0.1/24", "dev", "lan0");
        Shell.Run("ip", "-n", Router, "address", "add", "203.0.113.1/24", "dev", "wan0");
        Shell.Run("ip", "-n", Internet, "address", "add", $"{Primary}/24", "dev", "wan0");
        Shell.Run("ip", "-n", Internet, "address", "add", $"{Alternate}/24", "dev", "wan0");
        foreach (var (ns, link) in new[] { (Client, "lan0"), (Router, "lan0"), (Router, "wan0"), (Internet, "wan0") })
            Shell.Run("ip", "-n", ns, "link", "set", link, "up");
        Shell.Run("ip", "-n", Client, "route", "add", "default", "via", "10.0.0.1");
        Shell.Run("ip", "netns", "exec", Router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        foreach (var rule in natRules)
            Shell.Run("ip", ["netns", "exec", Router, "iptables", .. rule]);
    }
}
