using System.Diagnostics;
using System.Text.Json;
using FleetMonitor.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FleetMonitor.Bench.Control;

/// <summary>
/// Many agents' durable queues, bound as the Api binds an agent's queue, each with a consumer that reads the schedule
/// it is sent, notes its version and the moment, and acknowledges it ("applied").
/// </summary>
internal sealed class SimulatedAgents : IAsyncDisposable
{
    private const int ConsumersPerChannel = 200;

    private readonly IConnection _connection;
    private readonly List<IChannel> _channels = [];
    private readonly string[] _sites;
    private readonly long[] _versions;
    private readonly long[] _receivedAt;

    private SimulatedAgents(IConnection connection, string[] sites)
    {
        _connection = connection;
        _sites = sites;
        _versions = new long[sites.Length];
        _receivedAt = new long[sites.Length];
    }

    public int Count => _sites.Length;

    /// <summary>Declares and binds <paramref name="agentsPerSite"/> queues for each site and starts consuming them all.</summary>
    public static async Task<SimulatedAgents> StartAsync(string amqpUri, IReadOnlyList<string> sites, int agentsPerSite)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(amqpUri), ConsumerDispatchConcurrency = 4 }.CreateConnectionAsync("simulated-agents");
        var siteOfAgent = sites.SelectMany(site => Enumerable.Repeat(site, agentsPerSite)).ToArray();
        var agents = new SimulatedAgents(connection, siteOfAgent);
        await using (var setup = await connection.CreateChannelAsync())
        {
            await setup.ExchangeDeclareAsync(ControlTopology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false);
            for (var i = 0; i < siteOfAgent.Length; i++)
            {
                var queue = ControlTopology.AgentQueue(AgentId(i));
                await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
                await setup.QueueBindAsync(queue, ControlTopology.Exchange, ControlTopology.AgentRoutingKey(AgentId(i)));
                await setup.QueueBindAsync(queue, ControlTopology.Exchange, ControlTopology.SiteRoutingKey(siteOfAgent[i]));
            }
        }

        IChannel? channel = null;
        for (var i = 0; i < siteOfAgent.Length; i++)
        {
            if (i % ConsumersPerChannel == 0)
            {
                channel = await connection.CreateChannelAsync();
                await channel.BasicQosAsync(0, 10, global: false);
                agents._channels.Add(channel);
            }

            var agent = i;
            var owner = channel!;
            var consumer = new AsyncEventingBasicConsumer(owner);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                if (delivery.BasicProperties.Type == nameof(SiteScheduleChanged))
                {
                    var schedule = JsonSerializer.Deserialize<SiteScheduleChanged>(delivery.Body.Span, WireFormat.Options)!;
                    if (schedule.Version > Volatile.Read(ref agents._versions[agent]))
                    {
                        Volatile.Write(ref agents._receivedAt[agent], Stopwatch.GetTimestamp());
                        Volatile.Write(ref agents._versions[agent], schedule.Version);
                    }
                }

                await owner.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            };
            await owner.BasicConsumeAsync(ControlTopology.AgentQueue(AgentId(agent)), autoAck: false, consumer);
        }

        return agents;
    }

    public static string AgentId(int index) => $"bench-agent-{index:D5}";

    /// <summary>
    /// Waits until every agent has applied at least its site's version in <paramref name="targets"/>; the moment the
    /// last one did (a <see cref="Stopwatch"/> timestamp), or null when <paramref name="within"/> ran out.
    /// </summary>
    public async Task<long?> WaitForAllAsync(IReadOnlyDictionary<string, long> targets, TimeSpan within)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (Applied(targets) == _sites.Length)
            {
                return Enumerable.Range(0, _sites.Length).Max(i => Volatile.Read(ref _receivedAt[i]));
            }

            await Task.Delay(20);
        }

        return null;
    }

    public int Applied(IReadOnlyDictionary<string, long> targets) =>
        Enumerable.Range(0, _sites.Length).Count(i => Volatile.Read(ref _versions[i]) >= targets[_sites[i]]);

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            await channel.DisposeAsync();
        }

        await _connection.DisposeAsync();
    }
}
