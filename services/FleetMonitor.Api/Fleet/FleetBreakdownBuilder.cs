using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>Builds the <see cref="FleetBreakdown"/> from the agents' classes and the facts of their latest network probes.</summary>
public static class FleetBreakdownBuilder
{
    public const string Unknown = "unknown";

    public static FleetBreakdown Build(DateTimeOffset generatedAt, IReadOnlyList<AgentOverview> agents, IReadOnlyList<NetworkFactsRow> facts)
    {
        var byAgent = facts.ToLookup(f => f.AgentId, StringComparer.Ordinal);
        var described = agents.Select(agent =>
        {
            var rows = byAgent[agent.AgentId].Select(r => (r.Kind, Facts: Parse(r.Facts))).ToList();
            string? Fact(string kind, string name) => rows.Where(r => r.Kind == kind).Select(r => r.Facts.GetValueOrDefault(name)).LastOrDefault(v => !string.IsNullOrWhiteSpace(v));
            var nat = Fact("nat", "nat_type");
            var address = Fact("nat", "mapped_address") ?? Fact("exposure", "public_address") ?? Fact("upnp", "external_address");
            var router = Fact("upnp", "igd_name") ?? Fact("upnp", "igd_server");
            return (Agent: agent, Nat: nat ?? Unknown, Network: Network(address) ?? Unknown, Router: router ?? Unknown);
        }).ToList();

        return new FleetBreakdown(
            generatedAt,
            Count(described.Select(d => (d.Nat, d.Agent.Class))),
            Count(described.Select(d => (d.Network, d.Agent.Class))),
            Count(described.Select(d => (d.Router, d.Agent.Class))));
    }

    /// <summary>"198.51.100.23:40000" → "198.51.100.0/24"; an IPv6 address → its /48; null when it is not an address.</summary>
    internal static string? Network(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }

        IPAddress? ip = IPEndPoint.TryParse(address, out var endpoint) ? endpoint.Address : IPAddress.TryParse(address, out var bare) ? bare : null;
        if (ip is null)
        {
            return null;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        var bytes = ip.GetAddressBytes();
        var prefix = ip.AddressFamily == AddressFamily.InterNetwork ? 24 : 48;
        for (var i = prefix / 8; i < bytes.Length; i++)
        {
            bytes[i] = 0;
        }

        return $"{new IPAddress(bytes)}/{prefix}";
    }

    private static List<BreakdownRow> Count(IEnumerable<(string Value, string Class)> items) =>
    [
        .. items.GroupBy(i => i.Value, StringComparer.Ordinal)
            .Select(g => new BreakdownRow(g.Key, g.Count(),
                g.Count(i => i.Class == FleetClass.Broken), g.Count(i => i.Class == FleetClass.Exposed), g.Count(i => i.Class == FleetClass.Offline),
                g.Count(i => i.Class == FleetClass.Degraded), g.Count(i => i.Class == FleetClass.Ok)))
            .OrderByDescending(r => r.Agents).ThenBy(r => r.Value, StringComparer.Ordinal),
    ];

    private static Dictionary<string, string> Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
