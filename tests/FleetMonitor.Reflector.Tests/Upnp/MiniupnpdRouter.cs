using System.Globalization;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Upnp;

/// <summary>
/// miniupnpd (Debian's miniupnpd-nftables) as the router's UPnP IGD, in the foreground (<c>-d</c>) as a child of the
/// test, never its systemd service: the nftables chains it fills are created here (the table and chains of
/// miniupnpd's own netfilter_nft README, with an accepting forward policy so that the test's NAT keeps working), its
/// configuration listens on the router's LAN bridge, uses the WAN interface, and learns its external address with
/// STUN from <see cref="StunResponder"/>.
/// </summary>
internal static class MiniupnpdRouter
{
    public const int HttpPort = 5555;

    public static string DescriptionUrl => $"http://{RouterTopology.RouterLan}:{HttpPort}/rootDesc.xml";

    private const string Chains = """
        table inet filter {
            chain forward {
                type filter hook forward priority 0; policy accept;
                jump miniupnpd;
            }
            chain miniupnpd {
            }
            chain prerouting {
                type nat hook prerouting priority -100; policy accept;
                jump prerouting_miniupnpd;
            }
            chain postrouting {
                type nat hook postrouting priority 100; policy accept;
                jump postrouting_miniupnpd;
            }
            chain prerouting_miniupnpd {
            }
            chain postrouting_miniupnpd {
            }
        }
        """;

    /// <summary>
    /// Starts miniupnpd; <paramref name="leases"/>, lines of its lease file (<c>UDP:20000:10.77.0.2:20000:0:desc</c>), are
    /// the mappings it holds from the start: it adds them itself when it reads the file, far faster than one
    /// AddPortMapping request each.
    /// </summary>
    public static async Task<NetnsDaemon> StartAsync(RouterTopology net, IReadOnlyCollection<string>? leases = null)
    {
        var nft = Command.Find("nft");
        if (nft is null)
            Assert.Fail("nft is not installed: run `bash scripts/peers.sh` (it installs nftables from scripts/test-packages.txt)");
        var directory = Directory.CreateTempSubdirectory("fleetmonitor-miniupnpd-").FullName;
        var chains = Path.Combine(directory, "chains.nft");
        await File.WriteAllTextAsync(chains, Chains);
        NetnsSet.Exec(net.Router, nft, "-f", chains);

        var leaseFile = Path.Combine(directory, "leases");
        if (leases is not null)
            await File.WriteAllLinesAsync(leaseFile, leases);
        var config = Path.Combine(directory, "miniupnpd.conf");
        await File.WriteAllTextAsync(config, string.Join('\n',
            leases is null ? "# no lease file" : $"lease_file={leaseFile}",
            $"ext_ifname={RouterTopology.WanInterface}",
            $"listening_ip={RouterTopology.LanInterface}",
            $"http_port={HttpPort.ToString(CultureInfo.InvariantCulture)}",
            "enable_upnp=yes",
            "enable_natpmp=yes",
            // Secure mode: a LAN host may map ports only to itself, so a mapping to another host is that host's own doing.
            "secure_mode=yes",
            "ext_perform_stun=yes",
            $"ext_stun_host={RouterTopology.InternetAddress}",
            $"ext_stun_port={StunResponder.PrimaryPort.ToString(CultureInfo.InvariantCulture)}",
            "uuid=3d3cec3a-8cf0-11e0-98ee-001a6b98aa41",
            "notify_interval=60",
            "clean_ruleset_interval=600",
            "allow 1-65535 10.77.0.0/24 1-65535",
            "deny 0-65535 0.0.0.0/0 0-65535",
            ""));
        var daemon = NetnsDaemon.Start(net.Router, "miniupnpd", "miniupnpd", "-f", config, "-d", "-P", Path.Combine(directory, "miniupnpd.pid")).Owning(directory);
        // It adds the leased mappings before it listens, each after reading back the rules it has: a bound for a starved machine.
        await daemon.WaitUntilAsync(
            "miniupnpd", () => daemon.Output.Contains("HTTP listening on port", StringComparison.Ordinal),
            TimeSpan.FromSeconds(leases is null ? 120 : 120 + leases.Count));
        Assert.True(daemon.Output.Contains("Port forwarding is now enabled", StringComparison.Ordinal),
            $"miniupnpd did not enable port forwarding after STUN:\n{daemon.Output}");
        return daemon;
    }

    /// <summary>upnpc (Debian's miniupnpc) in <paramref name="ns"/> against the IGD; arguments after <c>-u URL</c>.</summary>
    public static Task<string> UpnpcAsync(string ns, params string[] arguments) => UpnpcAsync(ns, TimeSpan.FromSeconds(60), arguments);

    /// <summary>upnpc in <paramref name="ns"/> with a time limit of its own (miniupnpd takes longer per mapping the more it has).</summary>
    public static async Task<string> UpnpcAsync(string ns, TimeSpan limit, params string[] arguments)
    {
        var upnpc = Command.Find("upnpc");
        if (upnpc is null)
            Assert.Fail("upnpc is not installed: run `bash scripts/peers.sh` (it installs miniupnpc from scripts/test-packages.txt)");

        // upnpc gives up on the IGD's description after a few seconds of its own (no option changes that), and a busy
        // miniupnpd (one process, 100 leases) can take longer to answer: upnpc then did nothing, so it is asked again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Command.RunAsync(limit, NetnsPrerequisites.Ip, ["netns", "exec", ns, upnpc, "-u", DescriptionUrl, .. arguments]);
            }
            catch (InvalidOperationException e) when (attempt < 5 && e.Message.Contains("No valid UPNP Internet Gateway Device found", StringComparison.Ordinal))
            {
            }
        }
    }
}
