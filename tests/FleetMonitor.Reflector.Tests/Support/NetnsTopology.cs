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

    private readonly NetnsSet _namespaces = new("fmt");

    private NetnsTopology()
    {
        Client = _namespaces.Name("c");
        Reflector = _namespaces.Name("r");
    }

    /// <summary>The client namespace's name.</summary>
    public string Client { get; }

    /// <summary>The reflector namespace's name.</summary>
    public string Reflector { get; }

    /// <summary>Builds the topology; fails (never skips) when this process cannot.</summary>
    public static NetnsTopology Create() => NetnsSet.Build(new NetnsTopology(), t => t.Build());

    /// <summary>Packets matched so far by the rule of INPUT in <paramref name="ns"/> carrying comment <paramref name="comment"/>.</summary>
    public static long InputRuleCount(string ns, string comment) => NetnsSet.Counted(ns, "INPUT", comment);

    public void Dispose() => _namespaces.Dispose();

    private void Build()
    {
        _namespaces.CreateAll();
        NetnsSet.Veth(Client, "veth0", Reflector, "veth0");
        NetnsSet.Address(Client, "veth0", $"{ClientAddress}/24");
        NetnsSet.Address(Reflector, "veth0", $"{ReflectorAddress}/24");
        NetnsSet.Up(Client, "veth0");
        NetnsSet.Up(Reflector, "veth0");
    }
}
