using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using FleetMonitor.Probes.Tests.Support;

namespace FleetMonitor.Probes.Tests.Sip;

/// <summary>
/// kamailio (Debian package) in the foreground on 127.0.0.1 with <c>Sip/Peers/kamailio.cfg</c>: OPTIONS answered 200 on
/// <see cref="Port"/> (UDP and TCP) and <see cref="TlsPort"/>, 503 on <see cref="BusyPort"/> (UDP). Its certificate is
/// <see cref="TestCertificates.Valid"/>; its runtime directory, certificate files and process go on dispose.
/// </summary>
public sealed class KamailioPeer : IAsyncLifetime
{
    // kamailio forks its workers before it listens; on a busy machine that took more than 5 s.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private string? _directory;
    private PeerProcess? _process;

    public int Port { get; private set; }

    public int TlsPort { get; private set; }

    public int BusyPort { get; private set; }

    public TestCertificates Certificates { get; } = new();

    /// <summary>What kamailio printed, for assertion messages.</summary>
    public string Log => _process?.Log ?? "";

    public async Task InitializeAsync()
    {
        var binary = PeerProcess.Require("kamailio", "kamailio");
        _directory = Directory.CreateTempSubdirectory("fleetmonitor-kamailio-").FullName;
        var certificate = Path.Combine(_directory, "server.pem");
        var key = Path.Combine(_directory, "server.key");
        await File.WriteAllTextAsync(certificate, Certificates.Valid.ExportCertificatePem());
        await File.WriteAllTextAsync(key, Certificates.Valid.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var config = Path.Combine(AppContext.BaseDirectory, "Sip", "Peers", "kamailio.cfg");

        // A port another process takes between choosing and binding makes kamailio exit: choose again.
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPorts.FreeUdpAndTcp();
            TlsPort = LoopbackPorts.Closed();
            BusyPort = LoopbackPorts.FreeUdp();
            var process = PeerProcess.Start(binary, Arguments(config, certificate, key));
            if (await ListeningAsync(process))
            {
                _process = process;
                return;
            }

            var log = process.Log;
            await process.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException(
                    $"kamailio did not start listening on 127.0.0.1:{Port} and :{TlsPort} (its TLS module comes in kamailio-tls-modules: "
                    + $"run `bash scripts/peers.sh`):\n{log}");
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
            await _process.DisposeAsync();
        if (_directory is not null)
            Directory.Delete(_directory, recursive: true);
        Certificates.Dispose();
    }

    private string[] Arguments(string config, string certificate, string key) =>
    [
        "-DD", "-E", // foreground, logging to stderr
        "-f", config,
        "-Y", _directory!,
        "-P", Path.Combine(_directory!, "kamailio.pid"),
        "-w", _directory!,
        "-m", "16", "-M", "4",
        "-l", $"udp:127.0.0.1:{Port}",
        "-l", $"tcp:127.0.0.1:{Port}",
        "-l", $"tls:127.0.0.1:{TlsPort}",
        "-l", $"udp:127.0.0.1:{BusyPort}",
        "-A", $"TLS_CERTIFICATE=\"{certificate}\"",
        "-A", $"TLS_PRIVATE_KEY=\"{key}\"",
        "-A", string.Create(CultureInfo.InvariantCulture, $"BUSY_PORT={BusyPort}"),
    ];

    private async Task<bool> ListeningAsync(PeerProcess process)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout && !process.HasExited)
        {
            if (await AcceptsAsync(Port) && await AcceptsAsync(TlsPort))
                return true;
            await Task.Delay(50);
        }

        return false;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
