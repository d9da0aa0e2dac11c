using System.Diagnostics;
using FleetMonitor.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>A vhost and a database of the benchmark's own on the local RabbitMQ and PostgreSQL, removed afterwards.</summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    public const string Host = "127.0.0.1";
    public const string User = "fleetmonitor";
    public const string Password = "fleetmonitor";
    private const string Postgres = "Host=127.0.0.1;Username=fleetmonitor;Password=fleetmonitor;Database=postgres";

    public string Vhost { get; } = $"fm-bench-{Guid.NewGuid():N}";

    public string DatabaseName { get; } = $"fm_bench_{Guid.NewGuid():N}";

    public string AmqpUri => $"amqp://{User}:{Password}@{Host}:5672/{Uri.EscapeDataString(Vhost)}";

    public string ConnectionString => new NpgsqlConnectionStringBuilder(Postgres) { Database = DatabaseName, MaxPoolSize = 20, SslMode = SslMode.Disable }.ConnectionString;

    public async Task CreateAsync()
    {
        await CtlAsync("add_vhost", Vhost);
        await CtlAsync("set_permissions", "-p", Vhost, User, ".*", ".*", ".*");
        DatabaseMigrator.Migrate(StorageDialect.PostgreSql, ConnectionString, NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await CtlAsync("delete_vhost", Vhost);
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Postgres);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Messages delivered and not yet acknowledged, over the vhost's queues.</summary>
    public async Task<long> UnacknowledgedAsync()
    {
        var output = await CtlAsync("list_queues", "-p", Vhost, "messages_unacknowledged");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.All(char.IsAsciiDigit)).Sum(long.Parse);
    }

    /// <summary>Messages ready in a queue; 0 when it does not exist.</summary>
    public async Task<long> QueueDepthAsync(string queue)
    {
        var output = await CtlAsync("list_queues", "-p", Vhost, "name", "messages_ready");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(cells => cells.Length == 2 && cells[0] == queue)
            .Sum(cells => long.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<string> CtlAsync(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("rabbitmqctl", ["-q", .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', args)} failed: {await process.StandardError.ReadToEndAsync()} (start the services with: bash scripts/services.sh)");
        }

        return await stdout;
    }
}
