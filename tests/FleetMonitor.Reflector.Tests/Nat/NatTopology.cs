using System.Globalization;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>
/// A home network behind a real Linux NAT, on one machine: a client namespace (the agent's PC, 10.0.0.2) behind a router
/// namespace (10.0.0.1 on its LAN <c>lan0</c>, 203.0.113.1 on its WAN <c>wan0</c>, IP forwarding on, the
/// <see cref="RouterNat"/> rules on its WAN side) in front of an "internet" namespace with two addresses (203.0.113.10
/// and 203.0.113.11, TEST-NET-3) for RFC 5780 servers. Addresses exist only inside these namespaces; nothing is routed
/// to the machine's own network. Names are unique per run (<c>fmn-XXXXXX-c/-r/-i</c>). Dispose deletes all three (and
/// with them their interfaces and rules), and restores the conntrack UDP timeout if this kernel shares it between
/// namespaces.
/// </summary>
internal sealed class NatTopology : IDisposable
{
    public const string ClientAddress = "10.0.0.2";
    public const string RouterLanAddress = "10.0.0.1";
    public const string RouterWanAddress = "203.0.113.1";
    public const string PrimaryAddress = "203.0.113.10";
    public const string AlternateAddress = "203.0.113.11";

    /// <summary>The carrier router's side of the 100.64.0.0/10 link (<see cref="RouterNat.CarrierGradeDoubleNat"/>).</summary>
    public const string CarrierLanAddress = "100.64.0.1";

    /// <summary>The home router's WAN address on that link.</summary>
    public const string HomeWanSharedAddress = "100.64.0.2";

    private const string UdpTimeoutSysctl = "net.netfilter.nf_conntrack_udp_timeout";
    private static readonly string UdpTimeoutFile = "/proc/sys/" + UdpTimeoutSysctl.Replace('.', '/');

    private readonly NetnsSet _namespaces = new("fmn");
    private string? _hostUdpTimeoutToRestore;

    private NatTopology(RouterNat nat)
    {
        Client = _namespaces.Name("c");
        Router = _namespaces.Name("r");
        Carrier = nat == RouterNat.CarrierGradeDoubleNat ? _namespaces.Name("g") : null;
        Internet = _namespaces.Name("i");
        Nat = nat;
    }

    public string Client { get; }

    public string Router { get; }

    public string Internet { get; }

    public RouterNat Nat { get; }

    /// <summary>The carrier's router between the home router and the internet, in <see cref="RouterNat.CarrierGradeDoubleNat"/> only.</summary>
    public string? Carrier { get; }

    /// <summary>Builds the topology; fails (never skips) when this process cannot.</summary>
    /// <param name="nat">The router's NAT rules.</param>
    /// <param name="udpTimeoutSeconds">The router's conntrack UDP timeout (the NAT binding lifetime), when not the kernel's default.</param>
    public static NatTopology Create(RouterNat nat, int? udpTimeoutSeconds = null)
    {
        NatPrerequisites.Require();
        return NetnsSet.Build(new NatTopology(nat), t => t.Build(udpTimeoutSeconds));
    }

    /// <summary>The router's conntrack UDP timeout, as its namespace sees it.</summary>
    public int RouterUdpTimeout() =>
        int.Parse(NetnsSet.Exec(Router, NatPrerequisites.Tool("sysctl"), "-n", UdpTimeoutSysctl).Trim(), CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _namespaces.Dispose();
        if (_hostUdpTimeoutToRestore is { } original)
            File.WriteAllText(UdpTimeoutFile, original);
    }

    private void Build(int? udpTimeoutSeconds)
    {
        var ip = NetnsPrerequisites.Ip;
        _namespaces.CreateAll();
        NetnsSet.Veth(Client, "lan0", Router, "lan0");
        NetnsSet.Address(Client, "lan0", $"{ClientAddress}/24");
        NetnsSet.Address(Router, "lan0", $"{RouterLanAddress}/24");
        if (Carrier is { } carrier)
        {
            // Home router -> 100.64.0.0/10 -> carrier router (NAT again) -> internet; the carrier owns the public address.
            NetnsSet.Veth(Router, "wan0", carrier, "cgn0");
            NetnsSet.Veth(carrier, "wan0", Internet, "wan0");
            NetnsSet.Address(Router, "wan0", $"{HomeWanSharedAddress}/10");
            NetnsSet.Address(carrier, "cgn0", $"{CarrierLanAddress}/10");
            NetnsSet.Address(carrier, "wan0", $"{RouterWanAddress}/24");
            NetnsSet.Up(carrier, "cgn0", "wan0");
            NetnsSet.Exec(carrier, NatPrerequisites.Tool("sysctl"), "-q", "-w", "net.ipv4.ip_forward=1");
            NetnsSet.Exec(carrier, NatPrerequisites.Tool("iptables"), "-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE");
        }
        else
        {
            NetnsSet.Veth(Router, "wan0", Internet, "wan0");
            NetnsSet.Address(Router, "wan0", $"{RouterWanAddress}/24");
        }

        NetnsSet.Address(Internet, "wan0", $"{PrimaryAddress}/24");
        NetnsSet.Address(Internet, "wan0", $"{AlternateAddress}/24");
        NetnsSet.Up(Client, "lan0");
        NetnsSet.Up(Router, "lan0", "wan0");
        NetnsSet.Up(Internet, "wan0");
        NetnsSet.DefaultRoute(Client, RouterLanAddress);
        if (Carrier is not null)
            NetnsSet.DefaultRoute(Router, CarrierLanAddress);
        NetnsSet.Exec(Router, NatPrerequisites.Tool("sysctl"), "-q", "-w", "net.ipv4.ip_forward=1");

        switch (Nat)
        {
            case RouterNat.None:
                // Nothing translates: the internet knows the way back to the client's network.
                Command.Run(ip, "-n", Internet, "route", "add", "10.0.0.0/24", "via", RouterWanAddress);
                break;
            case RouterNat.Masquerade or RouterNat.CarrierGradeDoubleNat:
                Iptables("-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE");
                break;
            case RouterNat.MasqueradeRandomFully:
                Iptables("-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE", "--random-fully");
                break;
            case RouterNat.FullConeDnat:
                Iptables("-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE");
                Iptables("-t", "nat", "-A", "PREROUTING", "-i", "wan0", "-p", "udp", "-j", "DNAT", "--to-destination", ClientAddress);
                Iptables("-t", "nat", "-A", "PREROUTING", "-i", "lan0", "-d", RouterWanAddress, "-p", "udp", "-j", "DNAT", "--to-destination", ClientAddress);
                Iptables("-t", "nat", "-A", "POSTROUTING", "-o", "lan0", "-s", "10.0.0.0/24", "-d", ClientAddress, "-p", "udp", "-j", "MASQUERADE");
                break;
            case RouterNat.HostWideAddressFilter:
                Iptables("-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE");
                Iptables("-t", "nat", "-A", "PREROUTING", "-i", "wan0", "-p", "udp", "-j", "DNAT", "--to-destination", ClientAddress);
                Iptables("-A", "FORWARD", "-i", "lan0", "-o", "wan0", "-m", "recent", "--name", "fm-sent", "--rdest", "--set", "-j", "ACCEPT");
                Iptables("-A", "FORWARD", "-i", "wan0", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
                Iptables("-A", "FORWARD", "-i", "wan0", "-m", "recent", "--name", "fm-sent", "--rsource", "--rcheck", "-j", "ACCEPT");
                Iptables("-A", "FORWARD", "-i", "wan0", "-j", "DROP");
                break;
        }

        if (udpTimeoutSeconds is { } timeout)
            SetRouterUdpTimeout(timeout);
    }

    /// <summary>
    /// Sets the router's conntrack UDP timeout. Recent kernels keep it per network namespace; if this one turns out to
    /// share it with the machine, the machine's value is put back in <see cref="Dispose"/>.
    /// </summary>
    private void SetRouterUdpTimeout(int seconds)
    {
        if (Nat == RouterNat.None)
            throw new InvalidOperationException("without NAT rules the router tracks no connections: there is no binding lifetime to set");
        var hostBefore = File.Exists(UdpTimeoutFile) ? File.ReadAllText(UdpTimeoutFile).Trim() : null;
        NetnsSet.Exec(Router, NatPrerequisites.Tool("sysctl"), "-q", "-w", $"{UdpTimeoutSysctl}={seconds}");
        var hostAfter = File.Exists(UdpTimeoutFile) ? File.ReadAllText(UdpTimeoutFile).Trim() : null;
        if (hostBefore is not null && hostAfter != hostBefore)
            _hostUdpTimeoutToRestore = hostBefore;
    }

    /// <summary>Counts, in the client's OUTPUT chain, the UDP it sends towards the internet namespace (a rule without a verdict).</summary>
    public void CountClientSends(string comment) =>
        ClientIptables("-I", "OUTPUT", "1", "-p", "udp", "-d", "203.0.113.0/24", "-m", "comment", "--comment", comment);

    /// <summary>
    /// Counts, in the client's INPUT chain, UDP from <paramref name="source"/>: the hook runs just before the datagram is
    /// queued on its socket, in the same pass through the kernel.
    /// </summary>
    public void CountClientReceives(string source, int sourcePort, string comment) =>
        ClientIptables("-I", "INPUT", "1", "-s", source, "-p", "udp", "--sport", $"{sourcePort}", "-m", "comment", "--comment", comment);

    /// <summary>Packets counted by the client's rule with <paramref name="comment"/> in <paramref name="chain"/>.</summary>
    public long ClientCount(string chain, string comment) => NetnsSet.Counted(Client, chain, comment);

    /// <summary>
    /// Whether every UDP socket in the client namespace has an empty receive queue (<c>ss</c>'s Recv-Q): all datagrams the
    /// kernel delivered to the probe's sockets have been read by the probe.
    /// </summary>
    public bool ClientReceiveQueuesEmpty() =>
        NetnsSet.Exec(Client, NatPrerequisites.Tool("ss"), "-H", "-u", "-a", "-n")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .All(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..]);

    /// <summary>
    /// Empties the <see cref="RouterNat.HostWideAddressFilter"/>'s list of addresses the LAN has sent to, so that a probe
    /// run next meets the filter as a fresh one (what an earlier probe sent cannot open it).
    /// </summary>
    public void ForgetHostWideFilter() =>
        NetnsSet.Exec(Router, Command.Find("sh") ?? "/bin/sh", "-c", "echo / > /proc/net/xt_recent/fm-sent");

    /// <summary>The addresses the <see cref="RouterNat.HostWideAddressFilter"/> admits now.</summary>
    public string HostWideFilterList() =>
        NetnsSet.Exec(Router, Command.Find("cat") ?? "/bin/cat", "/proc/net/xt_recent/fm-sent");

    private void Iptables(params string[] arguments) => NetnsSet.Exec(Router, NatPrerequisites.Tool("iptables"), arguments);

    private void ClientIptables(params string[] arguments) => NetnsSet.Exec(Client, NatPrerequisites.Tool("iptables"), arguments);
}
