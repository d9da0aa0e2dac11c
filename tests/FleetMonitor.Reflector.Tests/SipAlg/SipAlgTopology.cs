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

    private readonly NetnsSet _namespaces = new("fma");

    private SipAlgTopology()
    {
        Client = _namespaces.Name("c");
        Router = _namespaces.Name("r");
        Internet = _namespaces.Name("i");
    }

    public string Client { get; }

    public string Router { get; }

    public string Internet { get; }

    /// <summary>Builds the topology; fails (never skips) when this process cannot, naming what is missing.</summary>
    public static SipAlgTopology Create()
    {
        NetnsPrerequisites.RequireIptables();
        RequireSipHelper();
        return NetnsSet.Build(new SipAlgTopology(), t => t.Build());
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
    public long SipAlgPackets(string protocol) => NetnsSet.RuleCount(Router, "raw", "PREROUTING", Comment(protocol)) ?? 0;

    public void Dispose() => _namespaces.Dispose();

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
        _namespaces.CreateAll();
        NetnsSet.Veth(Client, "lan0", Router, "lan0");
        NetnsSet.Veth(Router, "wan0", Internet, "wan0");
        NetnsSet.Address(Client, "lan0", $"{ClientAddress}/24");
        NetnsSet.Address(Router, "lan0", $"{RouterLan}/24");
        NetnsSet.Address(Router, "wan0", $"{RouterWan}/24");
        NetnsSet.Address(Internet, "wan0", $"{MirrorAddress}/24");
        NetnsSet.Up(Client, "lan0");
        NetnsSet.Up(Router, "lan0", "wan0");
        NetnsSet.Up(Internet, "wan0");
        NetnsSet.DefaultRoute(Client, RouterLan);

        NetnsSet.Exec(Router, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");

        // Older kernels attach helpers by port unless told not to; off, so that "no rule" means "no ALG" everywhere.
        NetnsSet.Exec(Router, "sh", "-c",
            "[ ! -e /proc/sys/net/netfilter/nf_conntrack_helper ] || echo 0 > /proc/sys/net/netfilter/nf_conntrack_helper");
        NetnsSet.Iptables(Router, "-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE");
    }
}
