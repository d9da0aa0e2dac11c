using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleetMonitor.Contracts;

/// <summary>
/// Source-generated JSON of the messages agents publish, with the settings of <see cref="WireFormat.Options"/>: the
/// Native AOT agent serializes through it, and a service may read through it without reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProbeCompleted))]
[JsonSerializable(typeof(ProbeResultsBatched))]
[JsonSerializable(typeof(AgentHeartbeatSent))]
[JsonSerializable(typeof(string))]
public sealed partial class WireFormatJsonContext : JsonSerializerContext;
