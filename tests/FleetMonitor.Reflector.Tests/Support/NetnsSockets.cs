using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>
/// Sockets that live in a named network namespace while this test process stays where it is: a short-lived thread
/// enters the namespace (setns), creates the socket and ends; a socket keeps the namespace it was created in, so the
/// test can then bind, connect and listen with it from any thread. This lets small test peers (an HTTP listener, a
/// banner, a STUN responder) and raw HTTP clients run in-process inside the topology.
/// </summary>
internal static class NetnsSockets
{
    private const int CloneNewNet = 0x40000000;

    public static Socket Create(string ns, AddressFamily family, SocketType type, ProtocolType protocol) =>
        InNamespace(ns, () => new Socket(family, type, protocol));

    /// <summary>A listening TCP socket on <paramref name="endpoint"/> inside <paramref name="ns"/>.</summary>
    public static Socket Listen(string ns, IPEndPoint endpoint)
    {
        var socket = Create(ns, endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(endpoint);
        socket.Listen(64);
        return socket;
    }

    /// <summary>An HTTP client whose connections start inside <paramref name="ns"/> (no proxy).</summary>
    public static HttpClient HttpClient(string ns) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = Create(ns, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { Timeout = TimeSpan.FromSeconds(40) };

    /// <summary>Runs <paramref name="create"/> on a new thread inside <paramref name="ns"/>.</summary>
    public static T InNamespace<T>(string ns, Func<T> create)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(Path.Combine("/var/run/netns", ns));
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new InvalidOperationException($"setns into {ns} failed: errno {Marshal.GetLastPInvokeError()}");
                result = create();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
            throw new InvalidOperationException($"could not create a socket in namespace {ns}: {error.Message}", error);
        return result!;
    }

    // DllImport rather than LibraryImport, whose generated code would need unsafe blocks in this test project.
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetNs(int fd, int nstype);
}
