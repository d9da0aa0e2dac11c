using System.Globalization;

namespace FleetMonitor.Contracts;

/// <summary>A RabbitMQ cluster node as the services and the agents configure it: <c>host:port</c>.</summary>
public static class ClusterNodeAddress
{
    public static bool TryParse(string? value, out string host, out int port)
    {
        host = "";
        port = 0;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1
            || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        host = value[..colon];
        return Uri.CheckHostName(host) is not UriHostNameType.Unknown;
    }
}
