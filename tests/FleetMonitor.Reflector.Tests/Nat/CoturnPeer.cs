using System.Globalization;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>
/// coturn's <c>turnserver</c> as an independent RFC 5780 STUN server in the internet namespace: both addresses, ports
/// 3480 and 3481 (beside the Reflector's 3478/3479), STUN only, no authentication, with an empty configuration file of
/// its own (Debian's /etc/turnserver.conf turns RFC 5780 off) and its state in a temporary directory.
/// </summary>
internal sealed class CoturnPeer : IAsyncDisposable
{
    public const int PrimaryPort = 3480;
    public const int AlternatePort = 3481;

    private readonly NamespacedServer _server;
    private readonly string _directory;

    private CoturnPeer(NamespacedServer server, string directory)
    {
        _server = server;
        _directory = directory;
    }

    public static string Target => $"{NatTopology.PrimaryAddress}:{PrimaryPort}";

    public string Output => _server.Output;

    /// <summary>Starts turnserver and waits until its four UDP sockets are bound.</summary>
    public static async Task<CoturnPeer> StartAsync(NatTopology net)
    {
        var turnserver = NatPrerequisites.Turnserver;
        var directory = Directory.CreateTempSubdirectory("fmn-coturn-").FullName;
        var config = Path.Combine(directory, "turnserver.conf");
        await File.WriteAllTextAsync(config, "");
        var server = NamespacedServer.Start(net.Internet, "coturn", turnserver,
        [
            "-c", config,
            "--listening-ip", NatTopology.PrimaryAddress,
            "--listening-ip", NatTopology.AlternateAddress,
            "--listening-port", PrimaryPort.ToString(CultureInfo.InvariantCulture),
            "--alt-listening-port", AlternatePort.ToString(CultureInfo.InvariantCulture),
            "--stun-only", "--no-auth", "--no-tcp", "--no-tls", "--no-dtls", "--no-cli",
            "--userdb", Path.Combine(directory, "turndb"),
            "--pidfile", Path.Combine(directory, "turnserver.pid"),
            "--log-file", "stdout", "--simple-log",
        ]);
        var peer = new CoturnPeer(server, directory);
        try
        {
            string[] endpoints =
            [
                $"{NatTopology.PrimaryAddress}:{PrimaryPort}", $"{NatTopology.PrimaryAddress}:{AlternatePort}",
                $"{NatTopology.AlternateAddress}:{PrimaryPort}", $"{NatTopology.AlternateAddress}:{AlternatePort}",
            ];
            await server.WaitUntilAsync(
                _ => ListeningUdp(net.Internet) is var bound && endpoints.All(bound.Contains),
                TimeSpan.FromSeconds(120), "listening on its four UDP sockets");
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static HashSet<string> ListeningUdp(string ns)
    {
        var listing = NetnsSet.Exec(ns, NatPrerequisites.Tool("ss"), "-H", "-u", "-l", "-n");
        return [.. listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 4)
            .Select(fields => fields[3])];
    }
}
