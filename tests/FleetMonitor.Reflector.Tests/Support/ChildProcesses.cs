using System.Diagnostics;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>Ends the processes the tests start.</summary>
internal static class ChildProcesses
{
    /// <summary>How long a killed process may take to be gone; a loaded machine can take seconds over a .NET process.</summary>
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Kills <paramref name="process"/> and its children and waits until it has exited. It does not wait for the end of
    /// its redirected output, as <see cref="Process.WaitForExitAsync"/> does: a child that inherited the pipes may hold
    /// them open after the process itself is gone.
    /// </summary>
    public static async Task KillAsync(Process process, string name)
    {
        try
        {
            if (process.HasExited)
                return;
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited in between.
            return;
        }

        // The timed wait, unlike the untimed one and WaitForExitAsync, does not wait for the output to end.
        if (!await Task.Run(() => process.WaitForExit(ExitLimit)))
            throw new TimeoutException($"{name} (pid {process.Id}) had not exited {ExitLimit.TotalSeconds:F0} s after it was killed");
    }
}
