namespace FleetMonitor.Protocols.Exposure;

/// <summary>What the connect-back scan saw on one port.</summary>
public sealed record ExposurePortResult
{
    public required int Port { get; init; }

    /// <summary><c>tcp</c> or <c>udp</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>An <see cref="ExposurePortState"/> value.</summary>
    public required string State { get; init; }

    /// <summary>What made the state: <c>syn-ack</c>, <c>reset</c>, <c>timeout</c>, <c>udp-response</c>, <c>port-unreachable</c>, <c>unreachable</c>, <c>no-response</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>What the service said about itself: a banner, a SIP Server header, an SSDP SERVER string; null when nothing.</summary>
    public string? Evidence { get; init; }

    public ExposurePort ToPort() => new(Port, Protocol);
}
