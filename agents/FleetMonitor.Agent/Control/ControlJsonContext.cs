using System.Text.Json;
using System.Text.Json.Serialization;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent.Control;

/// <summary>Source-generated JSON for the control channel, the schedule cache and enrolment (no reflection: the agent is trimmed).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(SiteScheduleChanged))]
[JsonSerializable(typeof(RunProbeNow))]
[JsonSerializable(typeof(ScheduleRequested))]
[JsonSerializable(typeof(EnrolmentRequest))]
[JsonSerializable(typeof(EnrolmentResult))]
[JsonSerializable(typeof(EnrolledConfiguration))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
