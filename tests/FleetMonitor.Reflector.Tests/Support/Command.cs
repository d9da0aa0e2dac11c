using System.Diagnostics;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>Runs a short command (ip, iptables) to completion, with a time limit.</summary>
internal static class Command
{
    // Generous: ip and nft commands wait for the kernel's network lock, which namespaces being torn down (by this and
    // other test runs) can hold for many seconds on a loaded machine.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>Runs <paramref name="file"/> and returns its standard output; throws with its error output when it fails.</summary>
    public static string Run(string file, params string[] arguments)
    {
        var (exitCode, output, error) = TryRun(file, arguments);
        if (exitCode != 0)
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' exited with {exitCode}: {error.Trim()}");
        return output;
    }

    public static (int ExitCode, string Output, string Error) TryRun(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', arguments)}' did not finish within {Limit}");
        }

        return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    /// <summary>Runs <paramref name="file"/> to completion within <paramref name="limit"/> and returns its standard output; throws when it fails.</summary>
    public static async Task<string> RunAsync(TimeSpan limit, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', arguments)}' did not finish within {limit}: {await error}");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {(await error).Trim()}");
        return await output;
    }

    /// <summary>The <c>dotnet</c> host running these tests, to run the built Reflector and runner with.</summary>
    public static string Dotnet =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? self
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    /// <summary>The full path of <paramref name="name"/> on PATH or in the sbin directories (root's tools), or null.</summary>
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }
}
