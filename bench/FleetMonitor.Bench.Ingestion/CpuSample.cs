using System.Diagnostics;
using System.Globalization;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>
/// CPU time used so far (from /proc, in seconds) by the Ingestion process, the benchmark's own process (the simulated
/// agents), the RabbitMQ node, every PostgreSQL process (the shared server: other users' queries count too) and the
/// whole machine; the difference of two samples over a window gives each one's share of the CPU.
/// </summary>
internal sealed record CpuSample(long Timestamp, double Ingestion, double Agents, double Broker, double Database, double MachineBusy, double MachineTotal)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static CpuSample Take(int ingestionPid, int brokerPid)
    {
        var database = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Comm(pid) == "postgres")
            {
                database += Seconds(pid);
            }
        }

        var machine = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = machine[3] + machine[4];
        var total = machine.Take(8).Sum();
        return new CpuSample(
            Stopwatch.GetTimestamp(), Seconds(ingestionPid), Seconds(Environment.ProcessId), Seconds(brokerPid), database,
            (total - idle) / TicksPerSecond, total / TicksPerSecond);
    }

    /// <summary>Cores used between two samples (1.0 = one core busy the whole window).</summary>
    public static CpuShare Between(CpuSample start, CpuSample end)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        return new CpuShare(
            (end.Ingestion - start.Ingestion) / seconds,
            (end.Agents - start.Agents) / seconds,
            (end.Broker - start.Broker) / seconds,
            (end.Database - start.Database) / seconds,
            (end.MachineBusy - start.MachineBusy) / (end.MachineTotal - start.MachineTotal) * Environment.ProcessorCount);
    }

    /// <summary>The resident set of a process, in MiB.</summary>
    public static double ResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>The 1-minute load average.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double Seconds(int pid)
    {
        try
        {
            // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0; // the process ended meanwhile
        }
    }
}
