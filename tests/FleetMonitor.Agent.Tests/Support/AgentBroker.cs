using System.Diagnostics;
using FleetMonitor.Contracts;
using RabbitMQ.Client;

namespace FleetMonitor.Agent.Tests.Support;

/// <summary>
/// A virtual host of its own on the shared RabbitMQ with the agents' exchange and a queue bound to <c>result.#</c>,
/// <c>results.#</c> and <c>heartbeat.#</c>, and an agent user restricted as in production (write to the exchange
/// only, topic permission for one site's routing keys). Deleted afterwards; the broker itself is never touched.
/// </summary>
internal sealed class AgentBroker : IAsyncDisposable
{
    public const string Queue = "agent-test-results";

    private AgentBroker(string vhost, string agentUser) => (VirtualHost, AgentUser) = (vhost, agentUser);

    public static string Host => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_RABBITMQ_HOST") ?? "127.0.0.1";

    private static string AdminUser => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_RABBITMQ_USER") ?? "fleetmonitor";

    private static string AdminPassword => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_RABBITMQ_PASSWORD") ?? "fleetmonitor";

    public string VirtualHost { get; }

    public string AgentUser { get; }

    public string AgentPassword => "secret-" + AgentUser;

    /// <summary>The agent's URI: it may publish routing keys of its site (and <c>unbound.</c>, which no queue takes) only.</summary>
    public string AgentUri => $"amqp://{AgentUser}:{AgentPassword}@{Host}:5672/{Uri.EscapeDataString(VirtualHost)}";

    public static async Task<AgentBroker> CreateAsync(string site)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var broker = new AgentBroker($"fm-agent-test-{id}", $"fm-agent-{id}");
        await CtlAsync("add_vhost", broker.VirtualHost);
        await CtlAsync("set_permissions", "-p", broker.VirtualHost, AdminUser, ".*", ".*", ".*");
        await CtlAsync("add_user", broker.AgentUser, broker.AgentPassword);
        await CtlAsync("set_permissions", "-p", broker.VirtualHost, broker.AgentUser, "^$", $"^{WireFormat.AgentExchange.Replace(".", "\\.", StringComparison.Ordinal)}$", "^$");
        await CtlAsync("set_topic_permissions", "-p", broker.VirtualHost, broker.AgentUser, WireFormat.AgentExchange, $"^(result\\.{site}\\..*|results\\.{site}|heartbeat\\.{site}|unbound\\..*)$", ".*");

        await using var connection = await broker.ConnectAsAdminAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(WireFormat.AgentExchange, ExchangeType.Topic, durable: true);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        foreach (var key in new[] { "result.#", "results.#", "heartbeat.#" })
        {
            await channel.QueueBindAsync(Queue, WireFormat.AgentExchange, key);
        }

        return broker;
    }

    public async Task<IConnection> ConnectAsAdminAsync() => await new ConnectionFactory
    {
        Uri = new Uri($"amqp://{AdminUser}:{AdminPassword}@{Host}:5672/{Uri.EscapeDataString(VirtualHost)}"),
    }.CreateConnectionAsync();

    /// <summary>Takes every message waiting in the test queue: (routing key, body).</summary>
    public async Task<List<(string RoutingKey, byte[] Body)>> DrainAsync()
    {
        await using var connection = await ConnectAsAdminAsync();
        await using var channel = await connection.CreateChannelAsync();
        var messages = new List<(string, byte[])>();
        while (await channel.BasicGetAsync(Queue, autoAck: true) is { } message)
        {
            messages.Add((message.RoutingKey, message.Body.ToArray()));
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        await CtlAsync("delete_vhost", VirtualHost);
        await CtlAsync("delete_user", AgentUser);
    }

    /// <summary>Asks again (up to three times) only when the CLI could not reach the node, i.e. the command did not run.</summary>
    private static async Task CtlAsync(params string[] args)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CtlOnceAsync(args);
                return;
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("unable to perform an operation on node", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    private static async Task CtlOnceAsync(string[] args)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "-q" } };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Start(start);
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {args[0]} failed: {await stderr} Start RabbitMQ with: bash scripts/services.sh");
        }
    }

    private static Process Start(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("rabbitmqctl is missing: install and start RabbitMQ with bash scripts/services.sh", e);
        }
    }
}
