using System.Globalization;
using System.Security.Cryptography;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>
/// Two hosts on one machine: a client network namespace and a reflector namespace joined by a veth pair, with
/// 198.51.100.1 and 198.51.100.2 (TEST-NET-2) inside them only. Names are unique per run (<c>fmt-XXXXXX-c</c> and
/// <c>-r</c>); the interfaces are created inside the namespaces, so nothing appears on the machine's own network.
/// Dispose deletes both namespaces (and with them the veth pair and any iptables rules).
/// </summary>
internal sealed class NetnsTopology : IDisposable
{
    public const string ClientAddress = "198.51.100.1";
    public const string ReflectorAddress = "198.51.100.2";

    private NetnsTopology(string id)
    {
        Client = $"fmt-{id}-c";
        Reflector = $"fmt-{id}-r";
    }

    /// <summary>The client namespace's name.</summary>
    public string Client { get; }

    /// <summary>The reflector namespace's name.</summary>
    public string Reflector { get; }

    /// <summary>Builds the topology; fails (never skips) when this process cannot.</summary>
    public static NetnsTopology Create()
    {
        NetnsPrerequisites.RequireRootAndIp();
        var topology = new NetnsTopology(RandomNumberGenerator.GetHexString(6, lowercase: true));
        try
        {
            topology.Build();
            return topology;
        }
        catch
        {
            topology.Dispose();
            throw;
        }
    }

    /// <summary>Runs a command inside <paramref name="ns"/> and returns its output.</summary>
    public static string Exec(string ns, string file, params string[] arguments) =>
        Command.Run(NetnsPrerequisites.Ip, ["netns", "exec", ns, file, .. arguments]);

    /// <summary>Adds an iptables rule in <paramref name="ns"/> (arguments after <c>iptables</c>).</summary>
    public static void Iptables(string ns, params string[] arguments)
    {
        NetnsPrerequisites.RequireIptables();
        Exec(ns, NetnsPrerequisites.IptablesPath!, arguments);
    }

    /// <summary>Packets matched so far by the rule of INPUT in <paramref name="ns"/> carrying comment <paramref name="comment"/>.</summary>
    public static long InputRuleCount(string ns, string comment)
    {
        var listing = Exec(ns, NetnsPrerequisites.IptablesPath!, "-L", "INPUT", "-n", "-v", "-x");
        var line = listing.Split('\n').SingleOrDefault(l => l.Contains($"/* {comment} */", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"no INPUT rule with comment {comment} in {ns}:\n{listing}");
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        // Deleting a namespace removes its interfaces (the veth pair goes with its first end) and its netfilter rules.
        foreach (var ns in new[] { Client, Reflector })
            Command.TryRun(NetnsPrerequisites.Ip, "netns", "delete", ns);
    }

    private void Build()
    {
        var ip = NetnsPrerequisites.Ip;
        Command.Run(ip, "netns", "add", Client);
        Command.Run(ip, "netns", "add", Reflector);
        Command.Run(ip, "link", "add", "veth0", "netns", Client, "type", "veth", "peer", "name", "veth0", "netns", Reflector);
        Command.Run(ip, "-n", Client, "address", "add", $"{ClientAddress}/24", "dev", "veth0");
        Command.Run(ip, "-n", Reflector, "address", "add", $"{ReflectorAddress}/24", "dev", "veth0");
        foreach (var ns in new[] { Client, Reflector })
        {
            Command.Run(ip, "-n", ns, "link", "set", "lo", "up");
            Command.Run(ip, "-n", ns, "link", "set", "veth0", "up");
        }
    }
}
