using FleetMonitor.Agent.Cli;
using Microsoft.Extensions.Logging.Abstractions;

// Quartz logs through this provider until the host's logging replaces it (Hosting/AgentSchedulerFactory). With a provider
// always set, Quartz never searches for a logging library by type name, which the native binary leaves out
// (Hosting/QuartzAot.substitutions.xml).
Quartz.Logging.LogContext.SetCurrentLogProvider(NullLoggerFactory.Instance);
return await AgentCommandLine.InvokeAsync(args, Console.Out, Console.Error);
