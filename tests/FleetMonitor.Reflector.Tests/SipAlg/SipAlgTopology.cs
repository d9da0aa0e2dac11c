using System.Globalization;
using System.Security.Cryptography;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.SipAlg;

/// <summary>
/// A phone's home network on one machine: a client namespace (10.66.0.2, the agent's PC) behind a router namespace
/// (10.66.0.1 on <c>lan0</c>, 203.0.113.1 on <c>wan0</c>, forwarding on, MASQUERADE out of the WAN) in front of an
/// "internet" namespace (203.0.113.2, TEST-NET-3) where the Reflector's SIP mirror runs. The router's SIP ALG — the
/// kernel's nf_conntrack_sip with nf_nat_sip — is off until <see cref="EnableSipAlg"/> attaches it to SIP traffic
/// from the LAN. Names are unique per run (<c>fma-XXXXXX-</c>); Dispose deletes the namespaces and with them every
/// interface, rule and conntrack entry.
/// </summary>
internal sealed class SipAlgTopology : IDisposable
{
    public const string ClientAddress = "10.66.0.2";
    public const string RouterLan = "10.66.0.1";
    public const string RouterWan = "203.0.113.1";
    public const string MirrorAddress = "203.0.113.2";
    public const int SipPort = 5060;

    private const string HelperMissing =
        "the router's SIP ALG needs the kernel's SIP conntrack and NAT helpers: `modprobe nf_conntrack_sip nf_nat_sip` on the host "
        + "(a kernel built with CONFIG_NF_CONNTRACK_SIP and CONFIG_NF_NAT_SIP; iptables from `bash scripts/peers.sh`)";

    private SipAlgTopology(string id)
    {
        Client = $"fma-{id}-c";
        Router = $"fma-{id}-r";
        Internet = $"fma-{id}-i";
    }

    public string Client { get; }

    public string Router { get; }

    public string Internet { get; }

    /// <summary>Builds the topology; fails (never skips) when this process cannot, naming what is missing.</summary>
    public static SipAlgTopology Create()
    {
        NetnsPrerequisites.RequireRootAndIp();
        NetnsPrerequisites.RequireIptables();
        RequireSipHelper();
        var topology = new SipAlgTopology(RandomNumberGenerator.GetHexString(6, lowercase: true));
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

    /// <summary>
    /// Turns the router's SIP ALG on for <paramref name="protocol"/> (udp or tcp) to port 5060 from the LAN, as home
    /// routers do. Modern kernels assign no helper by port on their own (nf_conntrack_helper is gone), so this rule is
    /// what attaches it; its packet counter is the ground truth that the ALG saw the probe.
    /// </summary>
    public void EnableSipAlg(string protocol)
    {
        var (exitCode, _, error) = Command.TryRun(NetnsPrerequisites.Ip,
            "netns", "exec", Router, NetnsPrerequisites.IptablesPath!, "-t", "raw", "-A", "PREROUTING", "-i", "lan0", "-p", protocol,
            "--dport", $"{SipPort}", "-m", "comment", "--comment", Comment(protocol), "-j", "CT", "--helper", "sip");
        if (exitCode != 0)
            Assert.Fail($"{HelperMissing}; iptables said: {error.Trim()}");
    }

    /// <summary>Packets that went through the SIP ALG rule for <paramref name="protocol"/> (0 when it is off).</summary>
    public long SipAlgPackets(string protocol)
    {
        var listing = NetnsTopology.Exec(Router, NetnsPrerequisites.IptablesPath!, "-t", "raw", "-L", "PREROUTING", "-n", "-v", "-x");
        var line = listing.Split('\n').SingleOrDefault(l => l.Contains($"/* {Comment(protocol)} */", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        foreach (var ns in new[] { Client, Router, Internet })
            Command.TryRun(NetnsPrerequisites.Ip, "netns", "delete", ns);
    }

    private static string Comment(string protocol) => $"fm-sip-alg-{protocol}";

    private static void RequireSipHelper()
    {
        // Built in, or loaded: the module's parameters are in sysfs either way. Otherwise try loading it (the CT rule
        // would ask the kernel to, but a clear message beats iptables' "No such file or directory").
        if (Directory.Exists("/sys/module/nf_conntrack_sip"))
            return;
        if (Command.Find("modprobe") is { } modprobe)
        {
            Command.TryRun(modprobe, "nf_conntrack_sip");
            Command.TryRun(modprobe, "nf_nat_sip");
        }

        if (!Directory.Exists("/sys/module/nf_conntrack_sip"))
            Assert.Fail(HelperMissing);
    }

    private void Build()
    {
        var ip = NetnsPrerequisites.Ip;
        foreach (var ns in new[] { Client, Router, Internet })
        {
            Command.Run(ip, "netns", "add", ns);
            Command.Run(ip, "-n", ns, "link", "set", "lo", "up");
        }

        Command.Run(ip, "link", "add", "lan0", "netns", Client, "type", "veth", "peer", "name", "lan0", "netns", Router);
        Command.Run(ip, "link", "add", "wan0", "netns", Router, "type", "veth", "peer", "name", "wan0", "netns", Internet);
        Command.Run(ip, "-n", Client, "address", "add", $"{ClientAddress}/24", "dev", "lan0");
        Command.Run(ip, "-n", Router, "address", "add", $"{RouterLan}/24", "dev", "lan0");
        Command.Run(ip, "-n", Router, "address", "add", $"{RouterWan}/24", "dev", "wan0");
        Command.Run(ip, "-n", Internet, "address", "add", $"{MirrorAddress}/24", "dev", "wan0");
        Command.Run(ip, "-n", Client, "link", "set", "lan0", "up");
        Command.Run(ip, "-n", Router, "link", "set", "lan0", "up");
        Command.Run(ip, "-n", Router, "link", "set", "wan0", "up");
        Command.Run(ip, "-n", Internet, "link", "set", "wan0", "up");
        Command.Run(ip, "-n", Client, "route", "add", "default", "via", RouterLan);

        NetnsTopology.Exec(Router, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");

        // Older kernels attach helpers by port unless told not to; off, so that "no rule" means "no ALG" everywhere.
        NetnsTopology.Exec(Router, "sh", "-c",
            "[ ! -e /proc/sys/net/netfilter/nf_conntrack_helper ] || echo 0 > /proc/sys/net/netfilter/nf_conntrack_helper");
        NetnsTopology.Iptables(Router, "-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE");
    }
}
