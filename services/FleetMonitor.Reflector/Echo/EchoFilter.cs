using System.Net;
using FleetMonitor.Protocols.Media;

namespace FleetMonitor.Reflector.Echo;

/// <summary>Which datagrams the echo may answer at all, before the rate limit: only media probe requests from unprivileged ports.</summary>
internal static class EchoFilter
{
    /// <summary>Null when <paramref name="datagram"/> may be echoed; otherwise the drop reason (a <see cref="ReflectorMetrics.DropReason"/> value).</summary>
    public static string? Check(ReadOnlySpan<byte> datagram, IPEndPoint source, int minSourcePort)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Port < minSourcePort)
            return ReflectorMetrics.DropReason.SourcePort;
        if (!MediaPacket.TryRead(datagram, out var header))
            return ReflectorMetrics.DropReason.Malformed;
        if (header.Echoed)
            return ReflectorMetrics.DropReason.Looped;
        return null;
    }
}
