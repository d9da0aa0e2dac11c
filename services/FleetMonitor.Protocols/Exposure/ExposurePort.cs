using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace FleetMonitor.Protocols.Exposure;

/// <summary>One port of the connect-back scan, written <c>5060/udp</c> on the wire and in finding codes.</summary>
public sealed record ExposurePort(int Port, string Protocol)
{
    public const string Tcp = "tcp";
    public const string Udp = "udp";

    public override string ToString() => $"{Port.ToString(CultureInfo.InvariantCulture)}/{Protocol}";

    /// <summary>Parses <c>port/tcp</c> or <c>port/udp</c> (any case).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ExposurePort? port)
    {
        port = null;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
            return false;
        var protocol = text[(slash + 1)..].Trim().ToLowerInvariant();
        if (protocol is not (Tcp or Udp) || !TryParseNumber(text[..slash].Trim(), out var number))
            return false;
        port = new ExposurePort(number, protocol);
        return true;
    }

    /// <summary>A port number 1-65535 written in decimal digits only.</summary>
    public static bool TryParseNumber(string text, out int number) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number is >= 1 and <= 65535;
}
