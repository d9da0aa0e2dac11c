using System.Text.Json.Serialization;

namespace FleetMonitor.Contracts;

/// <summary>How a probe run ended, as the agent judged it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProbeOutcome>))]
public enum ProbeOutcome
{
    /// <summary>The path works as the policy expects.</summary>
    [JsonStringEnumMemberName("ok")]
    Ok,

    /// <summary>The path works, but worse than it should (slow, lossy, certificate near expiry).</summary>
    [JsonStringEnumMemberName("degraded")]
    Degraded,

    /// <summary>The path does not work (refused, timed out, 5xx).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>The probe itself could not run (bad parameters, local failure).</summary>
    [JsonStringEnumMemberName("error")]
    Error,
}
