namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>
/// A home network in front of the internet, on one machine: a client namespace (the agent's PC, 10.77.0.2) and a LAN
/// host (another device, 10.77.0.3) on a bridge in a router namespace (10.77.0.1 on the LAN, 203.0.113.2 on the WAN,
/// IP forwarding on, MASQUERADE out of the WAN), and an "internet" namespace (203.0.113.1 and 203.0.113.3, TEST-NET-3)
/// where the Reflector runs. The internet namespace has no route to the LAN. Names are unique per run (<c>fme-XXXXXX-</c>);
/// Dispose deletes every namespace, and with them the interfaces and the rules (the tests stop their processes first).
/// </summary>
internal sealed class RouterTopology : IDisposable
{
    public const string RouterLan = "10.77.0.1";
    public const string ClientAddress = "10.77.0.2";
    public const string LanHostAddress = "10.77.0.3";
    public const string RouterWan = "203.0.113.2";
    public const string InternetAddress = "203.0.113.1";
    public const string InternetAlternate = "203.0.113.3";

    /// <summary>The router's interface names: the LAN bridge and the WAN veth.</summary>
    public const string LanInterface = "br0";
    public const string WanInterface = "wan0";

    private readonly NetnsSet _namespaces = new("fme");

    private RouterTopology()
    {
        Client = _namespaces.Name("c");
        Router = _namespaces.Name("r");
        Internet = _namespaces.Name("i");
        LanHost = _namespaces.Name("h");
    }

    public string Client { get; }

    public string Router { get; }

    public string Internet { get; }

    public string LanHost { get; }

    /// <summary>Builds the topology; fails (never skips) when this process cannot.</summary>
    /// <param name="kernelIcmpRateLimit">
    /// Leave Linux's ICMP error rate limit at the kernel's default, as on a real home router, instead of turning it off.
    /// </param>
    public static RouterTopology Create(bool kernelIcmpRateLimit = false)
    {
        NetnsPrerequisites.RequireIptables();
        return NetnsSet.Build(new RouterTopology(), t => t.Build(kernelIcmpRateLimit));
    }

    /// <summary>iptables in the router namespace (arguments after <c>iptables</c>).</summary>
    public void RouterIptables(params string[] arguments) => NetnsSet.Iptables(Router, arguments);

    /// <summary>
    /// The firewall of a typical home router: nothing from the WAN reaches the router itself or the LAN unless it
    /// belongs to a connection from inside, or a port forward (DNAT) sends it on.
    /// </summary>
    public void EnableWanFirewall()
    {
        RouterIptables("-A", "INPUT", "-i", WanInterface, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
        RouterIptables("-A", "INPUT", "-i", WanInterface, "-j", "DROP");
        RouterIptables("-A", "FORWARD", "-i", WanInterface, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED,DNAT", "-j", "ACCEPT");
        RouterIptables("-A", "FORWARD", "-i", WanInterface, "-j", "DROP");
    }

    /// <summary>A port forward: <paramref name="port"/>/<paramref name="protocol"/> on the WAN address to <paramref name="host"/>.</summary>
    public void Forward(string protocol, int port, string host) =>
        RouterIptables("-t", "nat", "-A", "PREROUTING", "-i", WanInterface, "-p", protocol, "--dport", $"{port}", "-j", "DNAT", "--to-destination", host);

    /// <summary>The "DMZ host" setting: every TCP and UDP port on the WAN address to <paramref name="host"/>.</summary>
    public void Dmz(string host)
    {
        foreach (var protocol in new[] { "tcp", "udp" })
            RouterIptables("-t", "nat", "-A", "PREROUTING", "-i", WanInterface, "-p", protocol, "-j", "DNAT", "--to-destination", host);
    }

    /// <summary>
    /// Counters in the internet namespace's OUTPUT chain: TCP SYNs and UDP datagrams to the router's WAN address (the
    /// only address that asks in these tests), and anything to any other address but loopback.
    /// </summary>
    public void CountReflectorOutput()
    {
        NetnsSet.Iptables(Internet, "-A", "OUTPUT", "-o", "lo", "-j", "ACCEPT");
        NetnsSet.Iptables(Internet, "-A", "OUTPUT", "-d", RouterWan, "-p", "tcp", "--tcp-flags", "SYN,ACK", "SYN", "-m", "comment", "--comment", "fm-syn-requester", "-j", "ACCEPT");
        NetnsSet.Iptables(Internet, "-A", "OUTPUT", "-d", RouterWan, "-p", "udp", "-m", "comment", "--comment", "fm-udp-requester", "-j", "ACCEPT");
        NetnsSet.Iptables(Internet, "-A", "OUTPUT", "-d", RouterWan, "-m", "comment", "--comment", "fm-other-requester", "-j", "ACCEPT");
        NetnsSet.Iptables(Internet, "-A", "OUTPUT", "-m", "comment", "--comment", "fm-elsewhere", "-j", "ACCEPT");
    }

    /// <summary>Packets counted by the OUTPUT rule with <paramref name="comment"/> in the internet namespace.</summary>
    public long OutputCount(string comment) => NetnsSet.Counted(Internet, "OUTPUT", comment);

    public void Dispose() => _namespaces.Dispose();

    /// <summary>The router namespace's <c>net.ipv4.icmp_ratelimit</c> (milliseconds between ICMP errors to one destination after a burst; 0 is off).</summary>
    public int RouterIcmpRateLimit() => int.Parse(
        NetnsSet.Exec(Router, Command.Find("sysctl") ?? "sysctl", "-n", "net.ipv4.icmp_ratelimit").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private void Build(bool kernelIcmpRateLimit)
    {
        var ip = NetnsPrerequisites.Ip;
        _namespaces.CreateAll();

        // Linux rate-limits ICMP errors per destination (one a second after a burst); tests that are not about that
        // turn it off, so that nmap's own scan (which it slows) stays quick.
        if (!kernelIcmpRateLimit)
        {
            foreach (var ns in new[] { Client, Router, Internet, LanHost })
                NetnsSet.Sysctl(ns, "net.ipv4.icmp_ratelimit=0");
        }

        Command.Run(ip, "-n", Router, "link", "add", LanInterface, "type", "bridge");
        NetnsSet.Veth(Client, "lan0", Router, "c0");
        NetnsSet.Veth(LanHost, "lan0", Router, "h0");
        NetnsSet.Veth(Router, WanInterface, Internet, WanInterface);
        Command.Run(ip, "-n", Router, "link", "set", "c0", "master", LanInterface);
        Command.Run(ip, "-n", Router, "link", "set", "h0", "master", LanInterface);
        NetnsSet.Up(Router, LanInterface, "c0", "h0", WanInterface);
        NetnsSet.Up(Client, "lan0");
        NetnsSet.Up(LanHost, "lan0");
        NetnsSet.Up(Internet, WanInterface);

        NetnsSet.Address(Router, LanInterface, $"{RouterLan}/24");
        NetnsSet.Address(Router, WanInterface, $"{RouterWan}/24");
        NetnsSet.Address(Client, "lan0", $"{ClientAddress}/24");
        NetnsSet.Address(LanHost, "lan0", $"{LanHostAddress}/24");
        NetnsSet.Address(Internet, WanInterface, $"{InternetAddress}/24");
        NetnsSet.Address(Internet, WanInterface, $"{InternetAlternate}/24");
        NetnsSet.DefaultRoute(Client, RouterLan);
        NetnsSet.DefaultRoute(LanHost, RouterLan);

        NetnsSet.Sysctl(Router, "net.ipv4.ip_forward=1");
        RouterIptables("-t", "nat", "-A", "POSTROUTING", "-o", WanInterface, "-j", "MASQUERADE");
    }
}
