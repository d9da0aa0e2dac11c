using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleetMonitor.Protocols.Exposure;

/// <summary>Source-generated JSON of the connect-back scan protocol, so that the Native AOT agent needs no reflection.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ExposureScanRequest))]
[JsonSerializable(typeof(ExposureScanResult))]
internal sealed partial class ExposureScanJsonContext : JsonSerializerContext;
