namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>What the network-namespace tests need; a test that lacks it fails with the command that provides it.</summary>
internal static class NetnsPrerequisites
{
    /// <summary>The <c>ip</c> tool (iproute2).</summary>
    public static string Ip => Command.Find("ip")
        ?? throw new InvalidOperationException("the netns tests need `ip` from iproute2: apt-get install iproute2 (scripts/peers.sh installs scripts/test-packages.txt)");

    public static string? IptablesPath => Command.Find("iptables");

    public static void RequireRootAndIp()
    {
        if (!Environment.IsPrivilegedProcess)
            Assert.Fail("the netns tests build network namespaces and must run as root (they use `ip netns` and iptables)");
        _ = Ip;
    }

    public static void RequireIptables()
    {
        if (IptablesPath is null)
            Assert.Fail("the netns loss tests need iptables: apt-get install iptables (scripts/peers.sh installs scripts/test-packages.txt)");
    }
}
