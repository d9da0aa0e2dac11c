using System.Diagnostics;

namespace FleetMonitor.Agent.Tests.Support;

/// <summary>Runs a system tool (mount, systemd-analyze, setpriv, ...) to its end.</summary>
internal static class Shell
{
    public static async Task<(int Code, string Output)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + stderr);
    }

    /// <summary>Runs it and fails the test, naming the command, when it fails.</summary>
    public static async Task<string> RequireAsync(string program, params string[] args)
    {
        var (code, output) = await RunAsync(program, args);
        Assert.True(code == 0, $"{program} {string.Join(' ', args)} failed ({code}): {output}");
        return output;
    }
}
