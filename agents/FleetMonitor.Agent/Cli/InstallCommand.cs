using System.CommandLine;
using FleetMonitor.Agent.Installation;

namespace FleetMonitor.Agent.Cli;

/// <summary><c>install</c> and <c>uninstall</c>: the agent as a systemd, launchd or Windows service.</summary>
internal static class InstallCommand
{
    private static readonly Option<string> Root = new("--root")
    {
        Description = "install under this folder instead of / (to build a package or to inspect the files)",
        DefaultValueFactory = _ => Path.GetPathRoot(Environment.CurrentDirectory) ?? "/",
    };

    private static readonly Option<ServicePlatform?> Platform = new("--platform")
    {
        Description = "linux (systemd), macos (launchd) or windows (service); default this machine's",
    };

    public static Command CreateInstall()
    {
        var noStart = new Option<bool>("--no-start") { Description = "install and enable, but do not start the service" };
        var command = new Command("install", "Install the agent as a service: binary, configuration (readable by the service user only), service definition")
        {
            AgentCommandLine.Config, Root, Platform, noStart,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(AgentCommandLine.Config) is not { } configPath)
            {
                await error.WriteLineAsync("install: --config FILE is required: the agent's configuration with its credentials, copied for the service");
                return ExitCodes.Usage;
            }

            var (configuration, errors) = AgentConfiguration.Load(configPath);
            if (configuration is null)
            {
                return await AgentConfiguration.ReportAsync(errors, error);
            }

            var layout = new ServiceLayout(parse.GetValue(Platform) ?? ServiceLayout.Current, Path.GetFullPath(parse.GetValue(Root)!));
            if (AgentBinary() is not { } binary)
            {
                await error.WriteLineAsync("install: run the published agent (fleetmonitor-agent), not through dotnet");
                return ExitCodes.Usage;
            }

            await new ServiceInstaller(layout, output).InstallAsync(binary, configuration.Path!, start: !parse.GetValue(noStart), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>This program's file: the published binary, or the build's app host when run through <c>dotnet</c>.</summary>
    private static string? AgentBinary()
    {
        const string name = "fleetmonitor-agent";
        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == name)
        {
            return path;
        }

        var host = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? name + ".exe" : name);
        return File.Exists(host) ? host : null;
    }

    public static Command CreateUninstall()
    {
        var purge = new Option<bool>("--purge") { Description = "also remove the configuration and the outbox" };
        var command = new Command("uninstall", "Stop and remove the agent's service; keeps configuration and outbox unless --purge")
        {
            Root, Platform, purge,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var layout = new ServiceLayout(parse.GetValue(Platform) ?? ServiceLayout.Current, Path.GetFullPath(parse.GetValue(Root)!));
            await new ServiceInstaller(layout, parse.InvocationConfiguration.Output).UninstallAsync(parse.GetValue(purge), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
