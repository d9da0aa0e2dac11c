using System.Diagnostics;
using RabbitMQ.Client;

namespace FleetMonitor.EndToEnd.Support;

/// <summary>
/// A throw-away virtual host on the local RabbitMQ (made with rabbitmqctl, deleted afterwards), so that tests never
/// see each other's queues. The broker is the one <c>scripts/services.sh</c> starts; FLEETMONITOR_TEST_RABBITMQ_HOST,
/// _USER and _PASSWORD point elsewhere.
/// </summary>
public sealed class RabbitMqVhost : IAsyncDisposable
{
    private RabbitMqVhost(string name) => Name = name;

    public static string Host => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_RABBITMQ_HOST") ?? "127.0.0.1";

    public static string User => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_RABBITMQ_USER") ?? "fleetmonitor";

    public static string Password => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_RABBITMQ_PASSWORD") ?? "fleetmonitor";

    public string Name { get; }

    public string AmqpUri => $"amqp://{User}:{Password}@{Host}:5672/{Uri.EscapeDataString(Name)}";

    public static async Task<RabbitMqVhost> CreateAsync()
    {
        var name = $"fm-test-{Guid.NewGuid():N}";
        await CtlAsync("add_vhost", name);
        await CtlAsync("set_permissions", "-p", name, User, ".*", ".*", ".*");
        return new RabbitMqVhost(name);
    }

    /// <summary>Cuts every client connection of this vhost, as a broker restart or a network cut would.</summary>
    public Task CloseAllConnectionsAsync() => CtlAsync("close_all_connections", "--vhost", Name, "cut by test");

    public async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = new Uri(AmqpUri), ClientProvidedName = "fleetmonitor-test" }.CreateConnectionAsync();

    /// <summary>Messages ready in a queue; 0 when the queue does not exist (MassTransit makes error queues on first use).</summary>
    public async Task<uint> QueueDepthAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync() => await CtlAsync("delete_vhost", Name);

    private static async Task CtlAsync(params string[] args)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-q");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("rabbitmqctl is missing. Install and start RabbitMQ with: bash scripts/services.sh", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"rabbitmqctl {string.Join(' ', args)} failed ({await stderr}). Is RabbitMQ running? Start it with: bash scripts/services.sh");
            }
        }
    }
}
