using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace FleetMonitor.Alerting.Tests.Support;

/// <summary>
/// Debian's <c>python3-aiosmtpd</c> as a real SMTP server for one test, storing what it receives in a maildir. Its port
/// is picked free and, if taken in between, picked again.
/// </summary>
public sealed class SmtpServerProcess : IAsyncDisposable
{
    /// <summary>Debian's interpreter, which sees the Debian package (another python3 on the PATH may not).</summary>
    private const string Python = "/usr/bin/python3";

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _folder;

    private SmtpServerProcess(ChildProcess process, DirectoryInfo folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The messages received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var received = new DirectoryInfo(Path.Combine(_folder.FullName, "mail", "new"));
        return received.Exists
            ? received.GetFiles().OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal).Select(f => MimeMessage.Load(f.FullName)).ToList()
            : [];
    }

    public static Task<SmtpServerProcess> StartAsync() =>
        StartAsync((port, mail) => ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", mail]);

    /// <summary>A server that takes mail only after AUTH (PLAIN or LOGIN, without TLS) as <paramref name="user"/>.</summary>
    public static Task<SmtpServerProcess> StartWithAuthAsync(string user, string password) =>
        StartAsync((port, mail) => [Path.Combine(AppContext.BaseDirectory, "Support", "smtp_auth_server.py"), "127.0.0.1", $"{port}", mail, user, password]);

    private static async Task<SmtpServerProcess> StartAsync(Func<int, string, string[]> arguments)
    {
        var folder = Directory.CreateTempSubdirectory("fleetmonitor-smtp-");
        for (var attempt = 0; ; attempt++)
        {
            var port = AlertmanagerProcess.FreePort();
            var process = ChildProcess.Start(Python, arguments(port, Path.Combine(folder.FullName, "mail")));
            var ready = await Eventually.WaitAsync(() => BannerAsync(process, port), state => state != "waiting", TimeSpan.FromSeconds(120), "the SMTP server's banner");
            if (ready == "ready")
            {
                return new SmtpServerProcess(process, folder, port);
            }

            var output = process.Output;
            await process.DisposeAsync();
            if (attempt >= 3)
            {
                folder.Delete(recursive: true);
                throw new InvalidOperationException($"aiosmtpd did not start (install python3-aiosmtpd: bash scripts/peers.sh):\n{output}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    private static async Task<string> BannerAsync(ChildProcess process, int port)
    {
        if (process.HasExited)
        {
            return "exited";
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            using var reader = new StreamReader(client.GetStream());
            var banner = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
            return banner?.StartsWith("220", StringComparison.Ordinal) == true ? "ready" : "waiting";
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return "waiting";
        }
    }
}
