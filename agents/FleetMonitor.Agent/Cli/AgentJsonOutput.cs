using System.Text.Encodings.Web;
using System.Text.Json;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent.Cli;

/// <summary>The wire format as the command line prints it: indented, and quotes and accents as themselves, not <c>\u0027</c>.</summary>
internal static class AgentJsonOutput
{
    private static readonly WireFormatJsonContext Context = new(new JsonSerializerOptions(WireFormatJsonContext.Default.Options)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Serialize(ProbeCompleted result) => JsonSerializer.Serialize(result, Context.ProbeCompleted);
}
