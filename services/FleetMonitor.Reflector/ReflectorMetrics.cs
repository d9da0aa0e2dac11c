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

    // ---- STUN server (RFC 5780) ----

    private static readonly Counter StunRequests = Metrics.CreateCounter(
        "fleetmonitor_reflector_stun_requests_total", "Datagrams the STUN server received, by what it did with them.", "result");

    private static readonly Counter StunDrops = Metrics.CreateCounter(
        "fleetmonitor_reflector_stun_dropped_total", "Datagrams the STUN server did not answer, by reason.", "reason");

    private static readonly Counter StunErrors = Metrics.CreateCounter(
        "fleetmonitor_reflector_stun_errors_total", "Error responses the STUN server sent, by STUN error code.", "code");

    private static readonly Counter StunBehaviours = Metrics.CreateCounter(
        "fleetmonitor_reflector_stun_behaviour_requests_total",
        "Answered Binding requests that asked for an RFC 5780 behaviour or were authenticated, by behaviour.", "behaviour");

    private static readonly Counter StunBytes = Metrics.CreateCounter(
        "fleetmonitor_reflector_stun_bytes_total", "UDP payload bytes of the STUN server, received and sent.", "direction");

    private static readonly Gauge StunSources = Metrics.CreateGauge(
        "fleetmonitor_reflector_stun_rate_limited_sources", "Source addresses the STUN server's rate limiter tracks.");

    private static readonly (Stun.StunRequestFeatures Feature, string Label)[] StunBehaviourLabels =
    [
        (Stun.StunRequestFeatures.ChangeIp, "change_ip"),
        (Stun.StunRequestFeatures.ChangePort, "change_port"),
        (Stun.StunRequestFeatures.ResponsePort, "response_port"),
        (Stun.StunRequestFeatures.Padding, "padding"),
        (Stun.StunRequestFeatures.Authenticated, "authenticated"),
    ];

    public void StunAnswered(int? errorCode, Stun.StunRequestFeatures features, int receivedBytes, int sentBytes)
    {
        StunRequests.WithLabels(errorCode is null ? "success" : "error").Inc();
        if (errorCode is { } code)
            StunErrors.WithLabels(code.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        foreach (var (feature, label) in StunBehaviourLabels)
        {
            if ((features & feature) != 0)
                StunBehaviours.WithLabels(label).Inc();
        }

        StunBytes.WithLabels("received").Inc(receivedBytes);
        StunBytes.WithLabels("sent").Inc(sentBytes);
    }

    public void StunDropped(string reason, int bytes)
    {
        StunRequests.WithLabels("dropped").Inc();
        StunDrops.WithLabels(reason).Inc();
        StunBytes.WithLabels("received").Inc(bytes);
    }

    public void StunSourcesTracked(int count) => StunSources.Set(count);

    /// <summary>The <c>reason</c> label values of datagrams the STUN server dropped.</summary>
    public static class StunDropReason
    {
        /// <summary>Refused by the strict STUN parser.</summary>
        public const string Malformed = "malformed";

        /// <summary>Well-formed STUN but not a Binding request (a response, an indication, another method), or not STUN at all.</summary>
        public const string NotBindingRequest = "not_binding_request";

        /// <summary>From a port below the configured minimum.</summary>
        public const string SourcePort = "source_port";

        /// <summary>The source address (or IPv6 /64) used up its token bucket.</summary>
        public const string RateLimited = "rate_limited";

        /// <summary>The rate limiter tracks as many sources as it may.</summary>
        public const string TooManySources = "too_many_sources";

        /// <summary>The response could not be sent.</summary>
        public const string SendFailed = "send_failed";
    }

    // Exposure: the connect-back scan. No address or agent label: per-agent detail is in the scan's answer.
    private static readonly Counter ExposureRequests = Metrics.CreateCounter(
        "fleetmonitor_reflector_exposure_requests_total", "Connect-back scan requests, by what became of them.", "result");

    private static readonly Counter ExposurePorts = Metrics.CreateCounter(
        "fleetmonitor_reflector_exposure_ports_total", "Ports the connect-back scanner probed, by protocol and state.", "protocol", "state");

    private static readonly Histogram ExposureDuration = Metrics.CreateHistogram(
        "fleetmonitor_reflector_exposure_scan_duration_seconds", "How long one connect-back scan took.",
        new HistogramConfiguration { Buckets = [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60] });

    private static readonly Gauge ExposureRunning = Metrics.CreateGauge(
        "fleetmonitor_reflector_exposure_scans_running", "Connect-back scans running now.");

    /// <summary>A scan request ended as <paramref name="result"/> (an <c>Exposure.ExposureRequestResult</c> value).</summary>
    public void ExposureRequest(string result) => ExposureRequests.WithLabels(result).Inc();

    public void ExposurePortScanned(string protocol, string state) => ExposurePorts.WithLabels(protocol, state).Inc();

    public void ExposureScanned(TimeSpan elapsed) => ExposureDuration.Observe(elapsed.TotalSeconds);

    public void ExposureScansRunning(int count) => ExposureRunning.Set(count);

    // ---- SIP mirror (the sip-alg probe's far end) ----

    private static readonly Counter SipMirrorMessages = Metrics.CreateCounter(
        "fleetmonitor_reflector_sip_mirror_messages_total", "SIP messages the SIP mirror received, by transport and what it did with them.",
        "transport", "result");

    private static readonly Counter SipMirrorDrops = Metrics.CreateCounter(
        "fleetmonitor_reflector_sip_mirror_dropped_total", "SIP messages (or TCP connections) the SIP mirror did not answer, by transport and reason.",
        "transport", "reason");

    private static readonly Counter SipMirrorVerdicts = Metrics.CreateCounter(
        "fleetmonitor_reflector_sip_mirror_verdicts_total", "Verdicts the SIP mirror answered, by transport and whether anything arrived rewritten.",
        "transport", "verdict");

    private static readonly Counter SipMirrorRewrites = Metrics.CreateCounter(
        "fleetmonitor_reflector_sip_mirror_rewritten_fields_total", "Fields the SIP mirror found rewritten (by a SIP ALG), by transport and field.",
        "transport", "field");

    private static readonly Counter SipMirrorBytes = Metrics.CreateCounter(
        "fleetmonitor_reflector_sip_mirror_bytes_total", "SIP bytes of the SIP mirror, by transport, received and sent.", "transport", "direction");

    private static readonly Gauge SipMirrorConnections = Metrics.CreateGauge(
        "fleetmonitor_reflector_sip_mirror_tcp_connections", "TCP connections the SIP mirror has open.");

    private static readonly Gauge SipMirrorSources = Metrics.CreateGauge(
        "fleetmonitor_reflector_sip_mirror_rate_limited_sources", "Source addresses the SIP mirror's rate limiter tracks.");

    /// <summary>A verdict was sent; <paramref name="rewritten"/> are the field names (<c>SipAlgField</c> values, a fixed set).</summary>
    public void SipMirrorAnswered(string transport, IReadOnlyList<string> rewritten, int receivedBytes, int sentBytes)
    {
        ArgumentNullException.ThrowIfNull(rewritten);
        SipMirrorMessages.WithLabels(transport, "answered").Inc();
        SipMirrorVerdicts.WithLabels(transport, rewritten.Count == 0 ? "none" : "rewritten").Inc();
        foreach (var field in rewritten)
            SipMirrorRewrites.WithLabels(transport, field).Inc();
        SipMirrorBytes.WithLabels(transport, "received").Inc(receivedBytes);
        SipMirrorBytes.WithLabels(transport, "sent").Inc(sentBytes);
    }

    /// <summary>An ACK (of a declined INVITE) arrived: absorbed, never answered.</summary>
    public void SipMirrorAcked(string transport, int bytes)
    {
        SipMirrorMessages.WithLabels(transport, "ack").Inc();
        SipMirrorBytes.WithLabels(transport, "received").Inc(bytes);
    }

    public void SipMirrorDropped(string transport, string reason, int bytes)
    {
        SipMirrorMessages.WithLabels(transport, "dropped").Inc();
        SipMirrorDrops.WithLabels(transport, reason).Inc();
        SipMirrorBytes.WithLabels(transport, "received").Inc(bytes);
    }

    public void SipMirrorConnectionsOpen(int count) => SipMirrorConnections.Set(count);

    public void SipMirrorSourcesTracked(int count) => SipMirrorSources.Set(count);

    /// <summary>The <c>reason</c> label values of what the SIP mirror dropped.</summary>
    public static class SipMirrorDropReason
    {
        /// <summary>Not a well-formed SIP request, or its Via names another transport than it came over.</summary>
        public const string Malformed = "malformed";

        /// <summary>Well-formed SIP, but not a sip-alg probe request (another method, no readable original copy).</summary>
        public const string NotProbe = "not_probe";

        /// <summary>Larger than the largest request the mirror reads.</summary>
        public const string TooLarge = "too_large";

        /// <summary>The verdict would have been larger than the request: never sent, the mirror is no amplifier.</summary>
        public const string ReplyTooLarge = "reply_too_large";

        /// <summary>A UDP request from a port below the configured minimum.</summary>
        public const string SourcePort = "source_port";

        /// <summary>The source address (or IPv6 /64) used up its token bucket.</summary>
        public const string RateLimited = "rate_limited";

        /// <summary>The rate limiter tracks as many sources as it may.</summary>
        public const string TooManySources = "too_many_sources";

        /// <summary>A TCP connection beyond the configured maximum, closed at once.</summary>
        public const string TooManyConnections = "too_many_connections";

        /// <summary>A TCP connection that sent nothing complete within the idle timeout.</summary>
        public const string Idle = "idle";

        /// <summary>The reply could not be sent.</summary>
        public const string SendFailed = "send_failed";
    }
}
