namespace FleetMonitor.Alerting.Correlation;

/// <summary>
/// The router model of an agent, from its UPnP probe's facts: the gateway's friendly name (<c>igd_name</c>, e.g.
/// "FRITZ!Box 7590"), else the SSDP <c>SERVER</c> header it answered with (<c>igd_server</c>, e.g. "Linux/6.1 UPnP/1.1
/// MiniUPnPd/2.3.3") — the same facts the fleet breakdown counts routers by.
/// </summary>
public static class RouterModel
{
    public const string NameFact = "igd_name";

    public const string ServerFact = "igd_server";

    /// <summary>Longer values are cut: a model name, not a document.</summary>
    public const int MaxLength = 200;

    /// <summary>The model, or null when the facts name none.</summary>
    public static string? Of(IReadOnlyDictionary<string, string> facts)
    {
        foreach (var fact in new[] { NameFact, ServerFact })
        {
            if (facts.TryGetValue(fact, out var text) && text.Trim() is { Length: > 0 } value)
            {
                return value.Length > MaxLength ? value[..MaxLength] : value;
            }
        }

        return null;
    }
}
