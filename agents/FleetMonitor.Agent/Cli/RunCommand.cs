using System.CommandLine;
using FleetMonitor.Agent.Hosting;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent.Cli;

/// <summary><c>run [--config FILE]</c>: checks the configuration, then runs the agent until stopped (also as a service).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run the agent: the probe schedule, the outbox and the publisher (also what the service runs)")
        {
            AgentCommandLine.Config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var (configuration, errors) = AgentConfiguration.Load(parse.GetValue(AgentCommandLine.Config));
            if (configuration is null)
            {
                return await AgentConfiguration.ReportAsync(errors, error);
            }

            using var host = AgentHost.Build(configuration.Path);
            try
            {
                await host.RunAsync(cancellationToken);
            }
            catch (OptionsValidationException e)
            {
                return await AgentConfiguration.ReportAsync([.. e.Failures], error);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
