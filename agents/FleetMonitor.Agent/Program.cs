using FleetMonitor.Agent.Cli;

return await AgentCommandLine.InvokeAsync(args, Console.Out, Console.Error);
