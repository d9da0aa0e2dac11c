using System.Diagnostics;

namespace FleetMonitor.Bench.Nat;

/// <summary>Runs a short command (ip, iptables, sysctl) to completion, with a time limit; throws with its error output when it fails.</summary>
internal static class Shell
{
    public static string Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', arguments)}' did not finish");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {error.Result.Trim()}");
        return output.Result;
    }

    public static void TryRun(string file, params string[] arguments)
    {
        try
        {
            Run(file, arguments);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>The <c>dotnet</c> host running this bench.</summary>
    public static string Dotnet =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
}
