using System.Globalization;

namespace FleetMonitor.EndToEnd.Support;

/// <summary>
/// A 3-node RabbitMQ cluster of the test's own (scripts/rabbitmq-cluster.sh: own node names, ports, data and cookie on
/// 127.0.0.1), beside the machine's main broker, which is never touched. Stopped and deleted on dispose.
/// </summary>
public sealed class BrokerCluster : IAsyncDisposable
{
    private readonly string _root;

    private BrokerCluster(string root, IReadOnlyList<BrokerNode> nodes)
    {
        _root = root;
        Nodes = nodes;
    }

    /// <summary>Nodes 1 to 3 (index 0 to 2); node 1 is the one the others joined.</summary>
    public IReadOnlyList<BrokerNode> Nodes { get; }

    public static async Task<BrokerCluster> StartAsync()
    {
        var errors = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var root = Path.Combine(Path.GetTempPath(), $"fm-cluster-{Guid.NewGuid():N}");
            var prefix = $"fmc{Random.Shared.Next(10_000, 99_999)}n";

            // AMQP on base, base+2, base+4 and distribution 10000 above: all below the ephemeral port range.
            var basePort = Random.Shared.Next(10_000, 11_300) * 2;
            var (code, output) = await ScriptRunner.RunAsync("rabbitmq-cluster.sh", "start", root, basePort.ToString(CultureInfo.InvariantCulture), prefix);
            if (code == 0)
            {
                var nodes = Enumerable.Range(1, 3)
                    .Select(i => BrokerNode.Attach(Path.Combine(root, $"{prefix}{i}"), $"{prefix}{i}", basePort + ((i - 1) * 2)))
                    .ToList();
                return new BrokerCluster(root, nodes);
            }

            errors.Add(output);
            await ScriptRunner.RunAsync("rabbitmq-cluster.sh", "stop", root);
            Delete(root);
        }

        throw new InvalidOperationException("A RabbitMQ cluster of the test's own did not start: " + string.Join(Environment.NewLine, errors));
    }

    /// <summary>SIGKILL to node <paramref name="number"/> (1-3): its clients lose their connections without a close.</summary>
    public async Task KillNodeAsync(int number)
    {
        var (code, output) = await ScriptRunner.RunAsync("rabbitmq-cluster.sh", "kill-node", _root, number.ToString(CultureInfo.InvariantCulture));
        if (code != 0)
        {
            throw new InvalidOperationException($"Killing node {number} failed: {output}");
        }
    }

    /// <summary>Client connections held by node <paramref name="number"/>, as the cluster lists them.</summary>
    public async Task<int> ConnectionsOnAsync(int number)
    {
        // A connection's pid names its node: <fmc1n2@host.1234.5.0>.
        var prefix = "<" + Nodes[number - 1].Name + "@";
        var output = await Nodes[0].CtlAsync("-q", "list_connections", "pid");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Count(line => line.StartsWith(prefix, StringComparison.Ordinal));
    }

    public string Endpoint(int number) => $"{RabbitMqVhost.Host}:{Nodes[number - 1].Port.ToString(CultureInfo.InvariantCulture)}";

    public async ValueTask DisposeAsync()
    {
        await ScriptRunner.RunAsync("rabbitmq-cluster.sh", "stop", _root);
        Delete(_root);
    }

    private static void Delete(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A log file still closing; the temp folder is cleaned by the OS.
        }
    }
}
