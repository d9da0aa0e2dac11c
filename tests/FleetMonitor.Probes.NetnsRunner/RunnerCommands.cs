using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FleetMonitor.Contracts;

namespace FleetMonitor.Probes.NetnsRunner;

/// <summary>
/// The runner's two commands:
/// <c>probe KIND TARGET [--timeout-ms N] [--NAME VALUE]...</c> runs one probe of the default catalog and prints its
/// <see cref="ProbeObservation"/>;
/// <c>send HOST:PORT [--from-port P] [--wait-ms N] HEX...</c> sends each datagram in turn from one socket, waits for
/// replies after each, and prints a <see cref="SendReport"/>.
/// Exit code 0 when the command ran (whatever the probe saw), 2 for a usage error.
/// </summary>
internal static class RunnerCommands
{
    public const int ExitUsage = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        switch (args)
        {
            case ["probe", var kind, var target, .. var rest]:
                return await ProbeAsync(kind, target, rest, output, error, cancellationToken);
            case ["send", var target, .. var rest]:
                return await SendAsync(target, rest, output, error, cancellationToken);
            default:
                await error.WriteLineAsync("usage: probe KIND TARGET [--timeout-ms N] [--NAME VALUE]... | send HOST:PORT [--from-port P] [--wait-ms N] HEX...");
                return ExitUsage;
        }
    }

    private static async Task<int> ProbeAsync(
        string kind, string target, string[] rest, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!ProbeCatalog.CreateDefault().TryGet(kind, out var probe))
        {
            await error.WriteLineAsync($"unknown probe kind '{kind}'");
            return ExitUsage;
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var timeout = ProbeKindSpecs.All[kind].DefaultTimeout;
        for (var i = 0; i + 1 < rest.Length; i += 2)
        {
            if (!rest[i].StartsWith("--", StringComparison.Ordinal))
            {
                await error.WriteLineAsync($"expected --NAME VALUE at '{rest[i]}'");
                return ExitUsage;
            }

            if (rest[i] == "--timeout-ms")
                timeout = TimeSpan.FromMilliseconds(int.Parse(rest[i + 1], CultureInfo.InvariantCulture));
            else
                parameters[rest[i][2..]] = rest[i + 1];
        }

        var observation = await probe.RunAsync(
            new ProbeRequest { Target = target, Parameters = parameters, Timeout = timeout }, cancellationToken);
        await output.WriteLineAsync(JsonSerializer.Serialize(observation, WireFormat.Options));
        return 0;
    }

    private static async Task<int> SendAsync(
        string target, string[] rest, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!IPEndPoint.TryParse(target, out var remote) || remote.Port == 0)
        {
            await error.WriteLineAsync($"'{target}' is not an address:port");
            return ExitUsage;
        }

        var fromPort = 0;
        var wait = TimeSpan.FromMilliseconds(300);
        var datagrams = new List<byte[]>();
        for (var i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case "--from-port":
                    fromPort = int.Parse(rest[++i], CultureInfo.InvariantCulture);
                    break;
                case "--wait-ms":
                    wait = TimeSpan.FromMilliseconds(int.Parse(rest[++i], CultureInfo.InvariantCulture));
                    break;
                default:
                    datagrams.Add(Convert.FromHexString(rest[i]));
                    break;
            }
        }

        using var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, fromPort));
        var report = new SendReport { LocalPort = ((IPEndPoint)socket.LocalEndPoint!).Port };
        var buffer = new byte[65536];
        foreach (var datagram in datagrams)
        {
            var sent = await socket.SendToAsync(datagram, SocketFlags.None, remote, cancellationToken);
            var replies = new List<string>();
            using var window = new CancellationTokenSource(wait);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(window.Token, cancellationToken);
            // Bounded by the wait window: every reply that arrives within it belongs to this datagram.
            while (!linked.IsCancellationRequested)
            {
                try
                {
                    var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), linked.Token);
                    replies.Add(Convert.ToHexString(buffer, 0, received.ReceivedBytes));
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (SocketException e)
                {
                    replies.Add($"error:{e.SocketErrorCode}");
                }
            }

            report.Datagrams.Add(new SentDatagram { Sent = sent, Replies = replies });
        }

        await output.WriteLineAsync(JsonSerializer.Serialize(report, WireFormat.Options));
        return 0;
    }
}
