using System.Globalization;

namespace FleetMonitor.Alerting.Policies;

/// <summary>A port, a port range or any port, with an optional protocol: <c>5060/udp</c>, <c>10000-20000/udp</c>, <c>*</c>.</summary>
internal sealed record PortPattern(int From, int To, string? Protocol)
{
    public static PortPattern? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text == "*")
        {
            return new PortPattern(1, 65535, null);
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var ports = slash < 0 ? text : text[..slash];
        var protocol = slash < 0 ? null : text[(slash + 1)..];
        if (protocol is not (null or "udp" or "tcp"))
        {
            return null;
        }

        var dash = ports.IndexOf('-', StringComparison.Ordinal);
        if (!TryPort(dash < 0 ? ports : ports[..dash], out var from) || !TryPort(dash < 0 ? ports : ports[(dash + 1)..], out var to) || to < from)
        {
            return null;
        }

        return new PortPattern(from, to, protocol);
    }

    /// <summary>Does the finding's <c>5060/udp</c> fall in this pattern?</summary>
    public bool Matches(string portAndProtocol)
    {
        var slash = portAndProtocol.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !TryPort(portAndProtocol[..slash], out var port))
        {
            return false;
        }

        return port >= From && port <= To && (Protocol is null || Protocol == portAndProtocol[(slash + 1)..]);
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
