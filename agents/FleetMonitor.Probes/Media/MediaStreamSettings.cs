using System.Globalization;
using FleetMonitor.Protocols.Media;

namespace FleetMonitor.Probes.Media;

/// <summary>The media probe's parameters, parsed and checked.</summary>
internal sealed record MediaStreamSettings
{
    public int PacketBytes { get; init; } = 172;

    public int IntervalMs { get; init; } = 20;

    public int Count { get; init; } = 250;

    /// <summary>Null: any port the system picks.</summary>
    public PortRange? LocalPorts { get; init; }

    public double MaxLossPercent { get; init; } = 1;

    public double MaxJitterMs { get; init; } = 30;

    public double MinMos { get; init; } = 3.6;

    /// <summary>Most packets one run sends.</summary>
    public const int MaxCount = 10_000;

    /// <summary>Settings from <paramref name="parameters"/>, or why they cannot be used.</summary>
    public static (MediaStreamSettings? Settings, string? Error) Parse(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var settings = new MediaStreamSettings();
        string? error = null;

        settings = settings with
        {
            PacketBytes = Integer(parameters, "packet_bytes", settings.PacketBytes, MediaPacket.HeaderLength, MediaPacket.MaxLength, ref error),
            IntervalMs = Integer(parameters, "interval_ms", settings.IntervalMs, 1, 1000, ref error),
            Count = Integer(parameters, "count", settings.Count, 1, MaxCount, ref error),
            MaxLossPercent = Number(parameters, "max_loss_percent", settings.MaxLossPercent, 0, 100, ref error),
            MaxJitterMs = Number(parameters, "max_jitter_ms", settings.MaxJitterMs, 0, 10_000, ref error),
            MinMos = Number(parameters, "min_mos", settings.MinMos, 1, 4.5, ref error),
        };

        if (parameters.TryGetValue("local_ports", out var portsText))
        {
            if (PortRange.TryParse(portsText, out var ports))
                settings = settings with { LocalPorts = ports };
            else
                error ??= $"local_ports must be a port or a range such as 16384-16484, not '{portsText}'";
        }

        return error is null ? (settings, null) : (null, error);
    }

    private static int Integer(
        IReadOnlyDictionary<string, string> parameters, string name, int fallback, int min, int max, ref string? error)
    {
        if (!parameters.TryGetValue(name, out var text))
            return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        error ??= $"{name} must be a whole number from {min} to {max}, not '{text}'";
        return fallback;
    }

    private static double Number(
        IReadOnlyDictionary<string, string> parameters, string name, double fallback, double min, double max, ref string? error)
    {
        if (!parameters.TryGetValue(name, out var text))
            return fallback;
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        error ??= $"{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'";
        return fallback;
    }
}
