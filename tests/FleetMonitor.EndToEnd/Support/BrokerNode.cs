namespace FleetMonitor.EndToEnd.Support;

/// <summary>
/// A RabbitMQ node of the test's own (scripts/rabbitmq-node.sh: own node name, ports, data folder and cookie, on
/// 127.0.0.1), for fault tests that restart the broker or cut its connections; the machine's main broker is never
/// touched. Stopped and deleted on dispose.
/// </summary>
public sealed class BrokerNode : IAsyncDisposable
{
    private BrokerNode(string directory, string name, int port)
    {
        Directory = directory;
        Name = name;
        Port = port;
    }

    public string Directory { get; }

    public string Name { get; }

    public int Port { get; }

    /// <summary>
    /// Starts a node on a random port pair, trying other ports when one is taken. With <paramref name="tlsDirectory"/>
    /// (ca.pem, server.pem, server.key) it also accepts AMQP over TLS on <see cref="Port"/> + 1.
    /// </summary>
    public static async Task<BrokerNode> StartAsync(string? tlsDirectory = null)
    {
        var root = Path.Combine(Path.GetTempPath(), $"fm-broker-{Guid.NewGuid():N}");
        var name = $"fmtest{Random.Shared.Next(100_000, 999_999)}";
        var errors = new List<string>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            // AMQP port in 20000-29999, distribution port 10000 above it: both below the ephemeral range.
            var port = Random.Shared.Next(20_000, 29_990);
            var node = new BrokerNode(Path.Combine(root, "node"), name, port);
            string[] start = ["start", node.Directory, name, port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            var (code, output) = await RunAsync(tlsDirectory is null ? start : [.. start, "--tls", tlsDirectory]);
            if (code == 0)
            {
                return node;
            }

            errors.Add(output);
            await RunAsync("stop", node.Directory, name);
            System.IO.Directory.Delete(node.Directory, recursive: true);
        }

        throw new InvalidOperationException("A RabbitMQ node of the test's own did not start: " + string.Join(Environment.NewLine, errors));
    }

    /// <summary>A node started by someone else (a cluster of the test's own): the caller stops it.</summary>
    public static BrokerNode Attach(string directory, string name, int port) => new(directory, name, port);

    /// <summary>Stops the node (its clients see the connection drop) and starts it again on the same port and data.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        var (code, output) = await RunAsync("start", Directory, Name, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (code != 0)
        {
            throw new InvalidOperationException($"Restarting {Name} failed: {output}");
        }
    }

    public async Task StopAsync() => await RunAsync("stop", Directory, Name);

    /// <summary>Runs rabbitmqctl against this node; throws with its output when it fails.</summary>
    public async Task<string> CtlAsync(params string[] args)
    {
        // On a loaded machine the CLI can fail to reach a node that is up (its own Erlang VM starting slowly): asked again.
        for (var attempt = 1; ; attempt++)
        {
            var (code, output) = await RunAsync(["ctl", Directory, Name, .. args]);
            if (code == 0)
            {
                return output;
            }

            if (attempt == 3)
            {
                throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', args)} on {Name} failed {attempt} times: {output}");
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Path.GetDirectoryName(Directory)!, recursive: true);
        }
        catch (IOException)
        {
            // A log file still closing; the temp folder is cleaned by the OS.
        }
    }

    private static Task<(int Code, string Output)> RunAsync(params string[] args) => ScriptRunner.RunAsync("rabbitmq-node.sh", args);
}
