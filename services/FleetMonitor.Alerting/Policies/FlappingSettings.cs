namespace FleetMonitor.Alerting.Policies;

/// <summary>A probe whose outcome changed at least <see cref="Transitions"/> times within <see cref="WindowSeconds"/> is flapping: one alert, no page per flip.</summary>
public sealed class FlappingSettings
{
    public const int DefaultTransitions = 4;

    public const int DefaultWindowSeconds = 900;

    public int? Transitions { get; set; }

    public int? WindowSeconds { get; set; }
}
