using System.Globalization;
using System.Security.Cryptography;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>
/// The network namespaces of one test topology, and the commands every topology (the NAT, SIP ALG, exposure and echo
/// tests') is built and inspected with. Names are unique per run (<c>PREFIX-XXXXXX-ROLE</c>); <see cref="CreateAll"/>
/// adds them with loopback up; Dispose deletes them, and with them their interfaces, rules and conntrack entries.
/// </summary>
internal sealed class NetnsSet : IDisposable
{
    private readonly string _id = RandomNumberGenerator.GetHexString(6, lowercase: true);
    private readonly string _prefix;
    private readonly List<string> _names = [];

    public NetnsSet(string prefix)
    {
        NetnsPrerequisites.RequireRootAndIp();
        _prefix = prefix;
    }

    /// <summary>The name of the namespace for <paramref name="role"/>, one of those <see cref="CreateAll"/> adds.</summary>
    public string Name(string role)
    {
        var name = $"{_prefix}-{_id}-{role}";
        _names.Add(name);
        return name;
    }

    /// <summary>Adds every named namespace, loopback up.</summary>
    public void CreateAll()
    {
        foreach (var ns in _names)
        {
            Command.Run(NetnsPrerequisites.Ip, "netns", "add", ns);
            Command.Run(NetnsPrerequisites.Ip, "-n", ns, "link", "set", "lo", "up");
        }
    }

    public void Dispose()
    {
        foreach (var ns in _names)
            Command.TryRun(NetnsPrerequisites.Ip, "netns", "delete", ns);
    }

    /// <summary>Builds <paramref name="topology"/> with <paramref name="build"/>; on failure disposes it and fails (never skips).</summary>
    public static T Build<T>(T topology, Action<T> build)
        where T : IDisposable
    {
        try
        {
            build(topology);
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

    /// <summary>Sets a sysctl (<c>name=value</c>) inside <paramref name="ns"/>.</summary>
    public static void Sysctl(string ns, string setting) =>
        Exec(ns, Command.Find("sysctl") ?? "sysctl", "-qw", setting);

    /// <summary>A veth pair: <paramref name="first"/> in <paramref name="firstNs"/>, its peer <paramref name="second"/> in <paramref name="secondNs"/>.</summary>
    public static void Veth(string firstNs, string first, string secondNs, string second) =>
        Command.Run(NetnsPrerequisites.Ip, "link", "add", first, "netns", firstNs, "type", "veth", "peer", "name", second, "netns", secondNs);

    /// <summary>Adds <paramref name="cidr"/> to <paramref name="link"/> in <paramref name="ns"/>.</summary>
    public static void Address(string ns, string link, string cidr) =>
        Command.Run(NetnsPrerequisites.Ip, "-n", ns, "address", "add", cidr, "dev", link);

    /// <summary>Sets <paramref name="links"/> in <paramref name="ns"/> up.</summary>
    public static void Up(string ns, params string[] links)
    {
        foreach (var link in links)
            Command.Run(NetnsPrerequisites.Ip, "-n", ns, "link", "set", link, "up");
    }

    /// <summary>The default route of <paramref name="ns"/> via <paramref name="gateway"/>.</summary>
    public static void DefaultRoute(string ns, string gateway) =>
        Command.Run(NetnsPrerequisites.Ip, "-n", ns, "route", "add", "default", "via", gateway);

    /// <summary>
    /// Packets matched so far by the iptables rule carrying <paramref name="comment"/> in <paramref name="chain"/> of
    /// <paramref name="table"/> in <paramref name="ns"/>; null when there is no such rule.
    /// </summary>
    public static long? RuleCount(string ns, string table, string chain, string comment)
    {
        var listing = Exec(ns, NetnsPrerequisites.IptablesPath!, "-t", table, "-L", chain, "-n", "-v", "-x");
        var line = listing.Split('\n').SingleOrDefault(l => l.Contains($"/* {comment} */", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }

    /// <summary>As <see cref="RuleCount"/>, in the filter table, failing when the rule is missing.</summary>
    public static long Counted(string ns, string chain, string comment) =>
        RuleCount(ns, "filter", chain, comment) ?? throw new InvalidOperationException($"no {chain} rule with comment {comment} in {ns}");
}
