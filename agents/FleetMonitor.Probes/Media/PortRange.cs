using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace FleetMonitor.Probes.Media;

/// <summary>A range of local UDP ports, such as a phone's RTP range <c>16384-16484</c>, or one port (<c>16400</c>).</summary>
internal sealed record PortRange(int First, int Last)
{
    public int Count => Last - First + 1;

    public static bool TryParse(string? text, [NotNullWhen(true)] out PortRange? range)
    {
        range = null;
        if (string.IsNullOrWhiteSpace(text))
            return false;

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var firstText = dash < 0 ? text : text[..dash];
        var lastText = dash < 0 ? text : text[(dash + 1)..];
        if (!TryParsePort(firstText, out var first) || !TryParsePort(lastText, out var last) || last < first)
            return false;

        range = new PortRange(first, last);
        return true;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
