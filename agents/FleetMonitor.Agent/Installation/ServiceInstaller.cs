using System.Diagnostics;

namespace FleetMonitor.Agent.Installation;

/// <summary>
/// Installs and removes the agent as a service: binary, configuration (readable by the service's user only), service
/// definition; on the live system (root <c>/</c>) also the user and the service manager's registration.
/// </summary>
internal sealed class ServiceInstaller(ServiceLayout layout, TextWriter log)
{
    private static readonly string[] NativeLibraries = ["libe_sqlite3.so", "libe_sqlite3.dylib", "e_sqlite3.dll"];

    private bool Live => Path.GetFullPath(layout.Root) == Path.GetFullPath("/") && layout.Platform == ServiceLayout.Current;

    public async Task InstallAsync(string binary, string configFile, bool start, CancellationToken cancellationToken)
    {
        if (Live && layout.Platform == ServicePlatform.Linux)
        {
            await EnsureUserAsync(cancellationToken);
        }

        Copy(binary, layout.Staged(layout.Binary), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        // SQLite's native library is published beside the binary, which loads it from its own folder.
        foreach (var library in NativeLibraries)
        {
            var source = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(binary))!, library);
            if (File.Exists(source))
            {
                Copy(source, NativeLibrary(library), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }

        Copy(configFile, layout.Staged(layout.ConfigFile), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.CreateDirectory(layout.Staged(layout.StateDirectory));
        Write(layout.Staged(layout.DefinitionFile), ServiceDefinitions.For(layout));

        if (Live && layout.Platform == ServicePlatform.Linux)
        {
            // The credentials in the configuration are for the agent's user alone.
            await RunAsync("chown", [$"{ServiceLayout.ServiceUser}:{ServiceLayout.ServiceUser}", layout.ConfigFile], cancellationToken);
            await RunAsync("chown", [$"{ServiceLayout.ServiceUser}:{ServiceLayout.ServiceUser}", layout.StateDirectory], cancellationToken);
            if (Directory.Exists("/run/systemd/system"))
            {
                await RunAsync("systemctl", ["daemon-reload"], cancellationToken);
                await RunAsync("systemctl", start ? ["enable", "--now", ServiceLayout.UnitName] : ["enable", ServiceLayout.UnitName], cancellationToken);
            }
            else
            {
                await log.WriteLineAsync("systemd is not running here: the unit is installed but not started");
            }
        }
        else if (Live && layout.Platform == ServicePlatform.MacOS)
        {
            await RunAsync("launchctl", ["bootstrap", "system", layout.DefinitionFile], cancellationToken);
        }
        else if (Live && layout.Platform == ServicePlatform.Windows)
        {
            await RunAsync("cmd.exe", ["/c", layout.DefinitionFile], cancellationToken);
        }
    }

    public async Task UninstallAsync(bool purge, CancellationToken cancellationToken)
    {
        if (Live && layout.Platform == ServicePlatform.Linux && Directory.Exists("/run/systemd/system"))
        {
            await RunAsync("systemctl", ["disable", "--now", ServiceLayout.UnitName], cancellationToken);
        }
        else if (Live && layout.Platform == ServicePlatform.MacOS)
        {
            await RunAsync("launchctl", ["bootout", $"system/{ServiceLayout.LaunchdLabel}"], cancellationToken);
        }
        else if (Live && layout.Platform == ServicePlatform.Windows)
        {
            await RunAsync("sc.exe", ["stop", ServiceLayout.WindowsServiceName], cancellationToken, mayFail: true);
            await RunAsync("sc.exe", ["delete", ServiceLayout.WindowsServiceName], cancellationToken);
        }

        Delete(layout.Staged(layout.DefinitionFile));
        Delete(layout.Staged(layout.Binary));
        foreach (var library in NativeLibraries)
        {
            Delete(NativeLibrary(library));
        }
        if (purge)
        {
            Delete(layout.Staged(layout.ConfigFile));
            if (Directory.Exists(layout.Staged(layout.StateDirectory)))
            {
                Directory.Delete(layout.Staged(layout.StateDirectory), recursive: true);
                await log.WriteLineAsync($"removed {layout.Staged(layout.StateDirectory)}");
            }
        }
        else
        {
            await log.WriteLineAsync($"kept {layout.Staged(layout.ConfigFile)} and {layout.Staged(layout.StateDirectory)} (--purge removes them)");
        }

        if (Live && layout.Platform == ServicePlatform.Linux && Directory.Exists("/run/systemd/system"))
        {
            await RunAsync("systemctl", ["daemon-reload"], cancellationToken);
        }
    }

    private string NativeLibrary(string name) => Path.Combine(Path.GetDirectoryName(layout.Staged(layout.Binary))!, name);

    private async Task EnsureUserAsync(CancellationToken cancellationToken)
    {
        if (await RunAsync("id", ["-u", ServiceLayout.ServiceUser], cancellationToken, mayFail: true) == 0)
        {
            return;
        }

        await RunAsync("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", layout.StateDirectory, "--shell", "/usr/sbin/nologin", ServiceLayout.ServiceUser], cancellationToken);
    }

    private void Copy(string source, string destination, UnixFileMode mode)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        if (Path.GetFullPath(source) != Path.GetFullPath(destination))
        {
            File.Copy(source, destination, overwrite: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(destination, mode);
        }

        log.WriteLine($"wrote {destination}");
    }

    private void Write(string destination, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.WriteAllText(destination, text);
        log.WriteLine($"wrote {destination}");
    }

    private void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
            log.WriteLine($"removed {path}");
        }
    }

    private static async Task<int> RunAsync(string program, string[] arguments, CancellationToken cancellationToken, bool mayFail = false)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"could not start {program}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 && !mayFail)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {(await stderr).Trim()}");
        }

        return process.ExitCode;
    }
}
