using FleetMonitor.Probes.NetnsRunner;

return await RunnerCommands.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
