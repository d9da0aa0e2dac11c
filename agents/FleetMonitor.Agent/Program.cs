using FleetMonitor.Agent;
using FleetMonitor.Agent.Cli;
using FleetMonitor.Agent.Control;

if (args is ["probe", .. var probeArgs])
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
    return await ProbeCommand.RunAsync(probeArgs, Console.Out, Console.Error, cancel.Token);
}

if (args is ["enrol", .. var enrolArgs])
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
    return await EnrolCommand.RunAsync(enrolArgs, Console.Out, Console.Error, cancel.Token);
}

var builder = Host.CreateApplicationBuilder(args is ["run", .. var rest] ? rest : args);
builder.Configuration.AddJsonFile(builder.Configuration["config"] ?? "agent.json", optional: true, reloadOnChange: false);
builder.Configuration.AddEnvironmentVariables();
builder.AddFleetMonitorAgent();
builder.AddRabbitMqResultTransport();

await builder.Build().RunAsync();
return 0;
