using Prometheus;

namespace FleetMonitor.Reflector;

/// <summary>The Reflector's Prometheus metrics (low-cardinality labels only; never a source address).</summary>
public sealed class ReflectorMetrics
{
    private static readonly Counter EchoPackets = Metrics.CreateCounter(
        "fleetmonitor_reflector_echo_packets_total", "Datagrams the UDP echo received, by what it did with them.", "result");

    private static readonly Counter EchoDrops = Metrics.CreateCounter(
        "fleetmonitor_reflector_echo_dropped_total", "Datagrams the UDP echo did not answer, by reason.", "reason");

    private static readonly Counter EchoBytes = Metrics.CreateCounter(
        "fleetmonitor_reflector_echo_bytes_total", "UDP payload bytes of the echo, received and sent.", "direction");

    private static readonly Gauge EchoSources = Metrics.CreateGauge(
        "fleetmonitor_reflector_echo_rate_limited_sources", "Source addresses the echo's rate limiter tracks.");

    public void Echoed(int bytes)
    {
        EchoPackets.WithLabels(EchoResult.Echoed).Inc();
        EchoBytes.WithLabels("received").Inc(bytes);
        EchoBytes.WithLabels("sent").Inc(bytes);
    }

    public void Dropped(string reason, int bytes)
    {
        EchoPackets.WithLabels(EchoResult.Dropped).Inc();
        EchoDrops.WithLabels(reason).Inc();
        EchoBytes.WithLabels("received").Inc(bytes);
    }

    public void SourcesTracked(int count) => EchoSources.Set(count);

    /// <summary>The <c>result</c> label values.</summary>
    public static class EchoResult
    {
        public const string Echoed = "echoed";
        public const string Dropped = "dropped";
    }

    /// <summary>The <c>reason</c> label values of dropped datagrams.</summary>
    public static class DropReason
    {
        /// <summary>Not a media probe packet: wrong length, magic, version, flags or reserved bits.</summary>
        public const string Malformed = "malformed";

        /// <summary>A packet some reflector already echoed: answering it could bounce it between reflectors.</summary>
        public const string Looped = "looped";

        /// <summary>From a port below the configured minimum (system services such as DNS, NTP or echo itself).</summary>
        public const string SourcePort = "source_port";

        /// <summary>The source address (or IPv6 /64) used up its token bucket.</summary>
        public const string RateLimited = "rate_limited";

        /// <summary>The rate limiter tracks as many sources as it may: new sources wait until idle ones are forgotten.</summary>
        public const string TooManySources = "too_many_sources";

        /// <summary>The reply could not be sent.</summary>
        public const string SendFailed = "send_failed";
    }
}
