using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>What the NAT tests need; missing pieces fail the test with the command that provides them, never skip it.</summary>
internal static class NatPrerequisites
{
    private const string Install = "run `bash scripts/peers.sh` (it installs scripts/test-packages.txt: coturn, iptables, iproute2)";

    public static void Require()
    {
        if (!Environment.IsPrivilegedProcess)
            Assert.Fail($"the NAT tests build network namespaces and NAT rules and must run as root; as root, {Install}");
        foreach (var tool in new[] { "ip", "iptables", "sysctl" })
            Tool(tool);
    }

    /// <summary>The full path of <paramref name="name"/>, or a failed test naming the command that installs it.</summary>
    public static string Tool(string name) =>
        Command.Find(name) ?? throw new InvalidOperationException($"the NAT tests need `{name}`: {Install}");

    public static string Turnserver => Command.Find("turnserver")
        ?? throw new InvalidOperationException($"the NAT tests need coturn's `turnserver`: {Install}");

    public static string NatDiscovery => Command.Find("turnutils_natdiscovery")
        ?? throw new InvalidOperationException($"the NAT tests need coturn's `turnutils_natdiscovery`: {Install}");
}
