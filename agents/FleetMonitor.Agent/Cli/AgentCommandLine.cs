using System.CommandLine;
using FleetMonitor.Agent.Control;
using FleetMonitor.Probes;

namespace FleetMonitor.Agent.Cli;

/// <summary>The agent's command line: <c>run</c>, <c>probe</c>, <c>status</c>, <c>enrol</c>, <c>install</c>, <c>uninstall</c>, <c>--help</c>, <c>--version</c>.</summary>
internal static class AgentCommandLine
{
    /// <summary>The agent's configuration file, relative to the current directory; shared by the commands that read it.</summary>
    public static readonly Option<string> Config = new("--config", "-c")
    {
        Description = $"the configuration file (relative to the current directory; default ./{AgentConfiguration.DefaultFileName} when it exists)",
    };

    public static RootCommand Create()
    {
        var catalog = ProbeCatalog.CreateDefault();
        var root = new RootCommand("FleetMonitor agent: runs the site's probes and publishes their results. Exit codes: 0 ok, 1 check failed, 2 usage error, 78 configuration error.")
        {
            RunCommand.Create(),
            ProbeCommand.Create(catalog),
            StatusCommand.Create(),
            InstallCommand.CreateInstall(),
            InstallCommand.CreateUninstall(),
            CreateEnrol(),
        };
        return root;
    }

    private static Command CreateEnrol()
    {
        var server = new Option<string>("--server") { Description = "the FleetMonitor server's URL", Required = true };
        var token = new Option<string>("--token") { Description = "the site's enrolment token", Required = true };
        var config = new Option<string>("--config", "-c") { Description = "the configuration file to write (must not exist)", DefaultValueFactory = _ => AgentConfiguration.DefaultFileName };
        var command = new Command("enrol", "Exchange a site enrolment token for this agent's identity and credentials; writes them to --config (mode 0600). Exit 0 enrolled, 1 refused or unreachable, 2 usage error.")
        {
            server, token, config,
        };
        command.SetAction((parse, cancellationToken) => EnrolCommand.RunAsync(
            parse.GetValue(server)!, parse.GetValue(token)!, parse.GetValue(config)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parse = Create().Parse(args);
        if (parse.Errors.Count > 0)
        {
            return await ReportUsageErrorsAsync(parse, error);
        }

        using var cancel = new CancellationTokenSource();
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancel.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One line, not a stack trace: under a service manager a trace reads as a crash loop.
            await error.WriteLineAsync($"error: {e.Message} ({e.GetType().Name})");
            return ExitCodes.Software;
        }
    }

    private static async Task<int> ReportUsageErrorsAsync(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command;
        foreach (var message in parse.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal))
        {
            await error.WriteLineAsync($"error: {message}");
        }

        if (command.Parents.OfType<Command>().Any(p => p.Name == "probe"))
        {
            await error.WriteLineAsync($"known options of probe {command.Name}: {ProbeCommand.KnownOptions(command.Name)}");
        }

        var path = string.Join(' ', Lineage(command));
        await error.WriteLineAsync($"see: fleetmonitor-agent {path} --help".Replace("  ", " ", StringComparison.Ordinal));
        return ExitCodes.Usage;
    }

    private static Stack<string> Lineage(Command command)
    {
        var names = new Stack<string>();
        for (Symbol? symbol = command; symbol is Command c && c is not RootCommand; symbol = c.Parents.FirstOrDefault())
        {
            names.Push(c.Name);
        }

        return names;
    }
}
