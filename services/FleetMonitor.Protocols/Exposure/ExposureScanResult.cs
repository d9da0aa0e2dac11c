namespace FleetMonitor.Protocols.Exposure;

/// <summary>The Reflector's answer to a scan request: the address it saw the request come from, and every port it scanned there.</summary>
public sealed record ExposureScanResult
{
    /// <summary>The source address of the request, which is the only address scanned.</summary>
    public required string Address { get; init; }

    public required IReadOnlyList<ExposurePortResult> Ports { get; init; }

    /// <summary>How long the scan took, in milliseconds.</summary>
    public double DurationMs { get; init; }
}
