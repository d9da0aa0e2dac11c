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
    private readonly BrokerNode? _node;

    private RabbitMqVhost(string name, BrokerNode? node)
    {
        Name = name;
        _node = node;
    }

    public static string Host => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_RABBITMQ_HOST") ?? "127.0.0.1";

    public static string User => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_RABBITMQ_USER") ?? "fleetmonitor";

    public static string Password => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_RABBITMQ_PASSWORD") ?? "fleetmonitor";

    public string Name { get; }

    /// <summary>The AMQP port: 5672 on the main broker, the node's own on a test's <see cref="BrokerNode"/>.</summary>
    public int Port => _node?.Port ?? 5672;

    public string AmqpUri => $"amqp://{User}:{Password}@{Host}:{Port}/{Uri.EscapeDataString(Name)}";

    /// <summary>A vhost on the main broker, or on <paramref name="node"/> (a broker of the test's own).</summary>
    public static async Task<RabbitMqVhost> CreateAsync(BrokerNode? node = null)
    {
        var name = $"fm-test-{Guid.NewGuid():N}";
        var vhost = new RabbitMqVhost(name, node);
        await vhost.CtlAsync("add_vhost", name);
        await vhost.CtlAsync("set_permissions", "-p", name, User, ".*", ".*", ".*");
        return vhost;
    }

    /// <summary>
    /// Cuts every client connection of this vhost, as a network cut would. Only on a broker of the test's own: the
    /// main broker is shared with other tests.
    /// </summary>
    public Task CloseAllConnectionsAsync() => _node is null
        ? throw new InvalidOperationException("Connections are cut only on a broker node of the test's own (BrokerNode).")
        : CtlAsync("close_all_connections", "--vhost", Name, "cut by test");

    /// <summary>Client connections to this vhost (to see a cut land and the clients come back).</summary>
    public async Task<int> ConnectionCountAsync()
    {
        var output = await CtlAsync("list_connections", "vhost");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Count(line => line == Name);
    }

    /// <summary>Messages delivered and not yet acknowledged, over all queues of this vhost.</summary>
    public async Task<long> UnacknowledgedAsync()
    {
        var output = await CtlAsync("list_queues", "-p", Name, "messages_unacknowledged");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.All(char.IsAsciiDigit)).Sum(long.Parse);
    }

    /// <summary>A queue's consumers; 0 when it does not exist yet.</summary>
    public async Task<int> ConsumersAsync(string queue)
    {
        var output = await CtlAsync("list_queues", "-p", Name, "name", "consumers");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length == 2 && fields[0] == queue)
            .Select(fields => int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();
    }

    /// <summary>The names of this vhost's exchanges.</summary>
    public async Task<IReadOnlyList<string>> ExchangeNamesAsync() =>
        (await CtlAsync("list_exchanges", "-p", Name, "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A queue's type (classic, quorum, stream).</summary>
    public async Task<string> QueueTypeAsync(string queue)
    {
        var output = await CtlAsync("list_queues", "-p", Name, "name", "type");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length == 2 && fields[0] == queue)
            .Select(fields => fields[1])
            .SingleOrDefault() ?? "missing";
    }

    /// <summary>Per queue: ready, unacknowledged and consumers; for a failing test's message.</summary>
    public async Task<string> DescribeQueuesAsync()
    {
        try
        {
            return "queues (name ready unacked consumers):" + Environment.NewLine
                + await CtlAsync("list_queues", "-p", Name, "name", "messages_ready", "messages_unacknowledged", "consumers");
        }
        catch (InvalidOperationException e)
        {
            return "queues: " + e.Message;
        }
    }

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

    private Task<string> CtlAsync(params string[] args) => _node is null ? MainCtlAsync(args) : _node.CtlAsync(["-q", .. args]);

    /// <summary>
    /// Runs rabbitmqctl against the shared broker. On a busy machine the CLI's Erlang distribution handshake can fail
    /// before the command reaches the node ("unable to perform an operation on node"); then, and only then (the
    /// command did not run), it is asked again, up to three times.
    /// </summary>
    private static async Task<string> MainCtlAsync(params string[] args)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await MainCtlOnceAsync(args);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("unable to perform an operation on node", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    private static async Task<string> MainCtlOnceAsync(string[] args)
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
            var stdout = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"rabbitmqctl {string.Join(' ', args)} failed ({await stderr}). Is RabbitMQ running? Start it with: bash scripts/services.sh");
            }

            return stdout;
        }
    }
}
