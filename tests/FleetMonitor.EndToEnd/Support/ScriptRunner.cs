using System.Diagnostics;

namespace FleetMonitor.EndToEnd.Support;

/// <summary>Runs one of the repository's scripts (scripts/*.sh) with bash and returns its exit code and output.</summary>
public static class ScriptRunner
{
    public static async Task<(int Code, string Output)> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "scripts", script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
