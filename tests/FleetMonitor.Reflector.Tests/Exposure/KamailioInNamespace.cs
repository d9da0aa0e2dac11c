using System.Net;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Exposure;

/// <summary>
/// kamailio (Debian package) in the foreground inside a namespace, answering OPTIONS with 200 and a Server header on the
/// listen sockets given, as a PBX, an SBC or a softphone behind a home router would.
/// </summary>
internal static class KamailioInNamespace
{
    public const string ServerHeader = "FleetMonitor LAN kamailio";

    private const string Config = """
        #!KAMAILIO
        debug=1
        log_stderror=yes
        children=1
        tcp_children=1
        auto_aliases=no
        dns=no
        rev_dns=no
        use_dns_cache=no
        server_header="Server: FleetMonitor LAN kamailio"

        loadmodule "sl.so"
        loadmodule "textops.so"

        request_route {
            if (is_method("OPTIONS")) {
                sl_send_reply("200", "OK");
                exit;
            }
            sl_send_reply("501", "Not Implemented");
        }
        """;

    /// <summary>Starts kamailio in <paramref name="ns"/> on <paramref name="listens"/> (<c>udp:10.77.0.3:5060</c> style) and waits until <paramref name="tcpCheck"/> accepts.</summary>
    public static async Task<NetnsDaemon> StartAsync(string ns, IPEndPoint tcpCheck, params string[] listens)
    {
        var directory = Directory.CreateTempSubdirectory("fleetmonitor-exposure-kamailio-").FullName;
        var config = Path.Combine(directory, "kamailio.cfg");
        await File.WriteAllTextAsync(config, Config);
        var daemon = NetnsDaemon.Start(ns, "kamailio", "kamailio",
        [
            "-DD", "-E", "-f", config, "-Y", directory, "-P", Path.Combine(directory, "kamailio.pid"), "-w", directory,
            .. listens.SelectMany(l => new[] { "-l", l }),
        ]).Owning(directory);
        await daemon.WaitUntilAsync("kamailio", () => NetnsDaemon.Accepts(ns, tcpCheck), TimeSpan.FromSeconds(120));
        return daemon;
    }
}
