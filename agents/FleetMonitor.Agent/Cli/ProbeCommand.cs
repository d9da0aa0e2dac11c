using System.CommandLine;
using FleetMonitor.Agent.Scheduling;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;

namespace FleetMonitor.Agent.Cli;

/// <summary>
/// <c>probe &lt;kind&gt; &lt;target&gt; [--timeout S] [--format json|text] [--NAME VALUE]...</c>: runs one probe now and prints
/// its result. Each kind is a sub-command whose options are exactly the parameters that kind reads.
/// </summary>
internal static class ProbeCommand
{
    private static readonly Option<int?> Timeout = new("--timeout")
    {
        Description = "seconds the whole probe may take (1-600); default: the kind's own (nat 130, upnp 60, exposure 30, media 15, others 10)",
        Recursive = true,
        CustomParser = r =>
        {
            if (r.Tokens is [var token] && int.TryParse(token.Value, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 600)
            {
                return seconds;
            }

            r.AddError($"--timeout must be whole seconds from 1 to 600, not '{string.Join(' ', r.Tokens.Select(t => t.Value))}'");
            return null;
        },
    };

    private static readonly Option<string> Format = new Option<string>("--format")
    {
        Description = "json (the wire format, for scripts) or text (a table for people)",
        DefaultValueFactory = _ => "json",
        Recursive = true,
    }.AcceptOnlyFromAmong("json", "text");

    public static Command Create(ProbeCatalog catalog)
    {
        var probe = new Command("probe", "Run one probe now and print its result. Exit 0 ok, 1 degraded/failed/error, 2 usage error.")
        {
            Timeout,
            Format,
        };
        foreach (var kind in catalog.Kinds.Order(StringComparer.Ordinal))
        {
            probe.Subcommands.Add(CreateKind(catalog, kind));
        }

        return probe;
    }

    /// <summary>The known options of the kind being parsed, for the message that refuses an unknown one.</summary>
    public static string KnownOptions(string kind) =>
        string.Join(", ", ProbeParameters.For(kind).Select(p => "--" + p.Name).Append("--timeout").Append("--format"));

    private static Command CreateKind(ProbeCatalog catalog, string kind)
    {
        var target = new Argument<string>("target") { Description = TargetHelp(kind) };
        var command = new Command(kind, $"Run the {kind} probe") { target };
        var parameters = new List<(string Name, Option<string> Option)>();
        foreach (var (name, help) in ProbeParameters.For(kind))
        {
            var option = new Option<string>("--" + name) { Description = help };
            command.Options.Add(option);
            parameters.Add((name, option));
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var definition = new ProbeDefinitionOptions
            {
                Id = "cli",
                Kind = kind,
                Target = parse.GetValue(target)!,
                IntervalSeconds = 1,
                TimeoutSeconds = parse.GetValue(Timeout),
            };
            foreach (var (name, option) in parameters)
            {
                if (parse.GetValue(option) is { } value)
                {
                    definition.Parameters[name] = value;
                }
            }

            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var result = await new ProbeExecutor(catalog, TimeProvider.System).RunAsync(Environment.MachineName, "cli", definition, cancellationToken);
            if (result.Findings.Contains(FindingCodes.InvalidTarget) || result.Findings.Contains(FindingCodes.InvalidParameter))
            {
                await error.WriteLineAsync($"probe {kind}: {result.Error}");
                await error.WriteLineAsync($"  target: {TargetHelp(kind)}; options: {KnownOptions(kind)} (probe {kind} --help)");
                return ExitCodes.Usage;
            }

            await output.WriteLineAsync(parse.GetValue(Format) == "text" ? ProbeTextReport.Format(result) : AgentJsonOutput.Serialize(result));
            return result.Outcome == ProbeOutcome.Ok ? ExitCodes.Ok : ExitCodes.NotOk;
        });
        return command;
    }

    private static string TargetHelp(string kind) => kind switch
    {
        "tcp" or "sip" or "sip-alg" or "media" or "nat" => "host:port",
        "http" => "an http:// or https:// URL",
        "dns" => "the PBX's domain",
        "exposure" => "the Reflector's http(s):// base URL",
        "upnp" => "ssdp, or the router's http:// description URL",
        _ => "the target",
    };
}
