using FleetMonitor.Contracts;

namespace FleetMonitor.Storage;

/// <summary>The wire names of <see cref="ProbeOutcome"/>, as stored in text columns.</summary>
public static class OutcomeText
{
    public static string Format(ProbeOutcome outcome) => outcome switch
    {
        ProbeOutcome.Ok => "ok",
        ProbeOutcome.Degraded => "degraded",
        ProbeOutcome.Failed => "failed",
        ProbeOutcome.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome"),
    };

    public static ProbeOutcome Parse(string text) => text switch
    {
        "ok" => ProbeOutcome.Ok,
        "degraded" => ProbeOutcome.Degraded,
        "failed" => ProbeOutcome.Failed,
        "error" => ProbeOutcome.Error,
        _ => throw new ArgumentOutOfRangeException(nameof(text), text, "Unknown outcome"),
    };
}
