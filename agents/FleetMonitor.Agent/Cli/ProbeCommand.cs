using System.Text.Json;
using FleetMonitor.Agent.Scheduling;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;

namespace FleetMonitor.Agent.Cli;

/// <summary>
/// <c>probe &lt;kind&gt; &lt;target&gt; [--timeout S] [--NAME VALUE]...</c>: runs one probe now and prints its result in the wire
/// format. Exit code 0 when ok, 1 when degraded, failed or error, 2 for a usage error.
/// </summary>
public static class ProbeCommand
{
    public const int ExitOk = 0;
    public const int ExitNotOk = 1;
    public const int ExitUsage = 2;

    private static readonly JsonSerializerOptions Indented = new(WireFormat.Options) { WriteIndented = true };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var catalog = ProbeCatalog.CreateDefault();
        if (args.Count < 2 || args[0].StartsWith('-'))
        {
            await error.WriteLineAsync(Usage(catalog));
            return ExitUsage;
        }

        var kind = args[0];
        if (!catalog.TryGet(kind, out _))
        {
            await error.WriteLineAsync($"probe: unknown kind '{kind}'. Kinds: {string.Join(", ", catalog.Kinds)}");
            return ExitUsage;
        }

        var definition = new ProbeDefinitionOptions { Id = "cli", Kind = kind, Target = args[1], IntervalSeconds = 1 };
        for (var i = 2; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3 || i + 1 >= args.Count)
            {
                await error.WriteLineAsync($"probe: expected '--name value' at '{name}'\n{Usage(catalog)}");
                return ExitUsage;
            }

            var value = args[++i];
            if (name == "--timeout")
            {
                if (!int.TryParse(value, out var seconds) || seconds is < 1 or > 600)
                {
                    await error.WriteLineAsync("probe: --timeout must be whole seconds between 1 and 600");
                    return ExitUsage;
                }

                definition.TimeoutSeconds = seconds;
            }
            else
            {
                definition.Parameters[name[2..]] = value;
            }
        }

        var executor = new ProbeExecutor(catalog, TimeProvider.System);
        var result = await executor.RunAsync(Environment.MachineName, "cli", definition, cancellationToken);
        await output.WriteLineAsync(JsonSerializer.Serialize(result, Indented));
        return result.Outcome == ProbeOutcome.Ok ? ExitOk : ExitNotOk;
    }

    private static string Usage(ProbeCatalog catalog) =>
        $"""
        usage: probe <kind> <target> [--timeout SECONDS] [--NAME VALUE]...
          kinds: {string.Join(", ", catalog.Kinds)}
          examples:
            probe tcp pbx.example.com:5061 --tls true
            probe http https://provisioning.example.com/phone.cfg
        exit code: 0 ok, 1 degraded/failed/error, 2 usage error
        """;
}
