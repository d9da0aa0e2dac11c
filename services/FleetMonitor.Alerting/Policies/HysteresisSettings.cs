namespace FleetMonitor.Alerting.Policies;

/// <summary>A regression opens when <see cref="Failures"/> of the last <see cref="Window"/> results fail, and resolves after <see cref="PassesToResolve"/> passes in a row.</summary>
public sealed class HysteresisSettings
{
    public const int DefaultFailures = 3;

    public const int DefaultWindow = 5;

    public const int DefaultPassesToResolve = 2;

    /// <summary>Largest window a policy may ask for (the evaluation keeps this many results per agent and probe).</summary>
    public const int MaxWindow = 20;

    public int? Failures { get; set; }

    public int? Window { get; set; }

    public int? PassesToResolve { get; set; }
}
