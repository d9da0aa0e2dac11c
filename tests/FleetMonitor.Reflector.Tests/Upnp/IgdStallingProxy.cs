using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Upnp;

/// <summary>
/// A small HTTP proxy on the router's LAN address in front of miniupnpd's description and control URLs: it passes each
/// request on (one request per connection) and rewrites miniupnpd's own address:port in the answers to its own, until it
/// answers GetGenericPortMappingEntry for the indexes below <c>answer</c>; a request for any later index it reads and never answers,
/// like an IGD that stalls half-way through the list. Deterministic where stopping the daemon at the right moment is not.
/// </summary>
internal sealed class IgdStallingProxy : IAsyncDisposable
{
    private const string EntryAction = "#GetGenericPortMappingEntry";
    private readonly Socket _listener;
    private readonly string _router;
    private readonly int _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _held = [];
    private readonly Task _accepting;
    private int _answered;

    private IgdStallingProxy(string router, int answer)
    {
        _router = router;
        _answer = answer;
        _listener = NetnsSockets.Listen(router, new IPEndPoint(IPAddress.Parse(RouterTopology.RouterLan), 0));
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>miniupnpd's description URL, through the proxy.</summary>
    public string DescriptionUrl => $"http://{RouterTopology.RouterLan}:{Port.ToString(CultureInfo.InvariantCulture)}/rootDesc.xml";

    /// <summary>GetGenericPortMappingEntry answers passed on so far.</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>GetGenericPortMappingEntry requests read and left unanswered.</summary>
    public int Held { get; private set; }

    public static IgdStallingProxy Start(RouterTopology net, int answer) => new(net.Router, answer);

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                connections.Add(ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(Socket client)
    {
        var hold = false;
        try
        {
            var request = await ReadRequestAsync(client, _stop.Token);
            var head = Encoding.ASCII.GetString(request, 0, HeadLength(request));
            var isEntry = head.Contains(EntryAction, StringComparison.Ordinal);
            lock (_held)
            {
                if (isEntry && EntryIndex(request) >= _answer)
                {
                    hold = true;
                    Held++;
                    _held.Add(client);
                }
            }

            if (hold)
                return;

            using var upstream = NetnsSockets.Create(_router, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await upstream.ConnectAsync(new IPEndPoint(IPAddress.Parse(RouterTopology.RouterLan), MiniupnpdRouter.HttpPort), _stop.Token);
            await upstream.SendAsync(WithConnectionClose(request), _stop.Token);
            var response = await ReadToEndAsync(upstream, _stop.Token);
            await client.SendAsync(Rewrite(response), _stop.Token);
            if (isEntry)
                Interlocked.Increment(ref _answered);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
        }
        finally
        {
            if (!hold)
                client.Dispose();
        }
    }

    private static async Task<byte[]> ReadRequestAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        while (true)
        {
            var headLength = HeadLength([.. buffer]);
            if (headLength > 0)
            {
                var head = Encoding.ASCII.GetString([.. buffer], 0, headLength);
                var bodyLength = Header(head, "Content-Length") is { } length ? int.Parse(length, CultureInfo.InvariantCulture) : 0;
                if (buffer.Count >= headLength + bodyLength)
                    return [.. buffer];
            }

            var read = await socket.ReceiveAsync(chunk, cancellationToken);
            if (read == 0)
                throw new SocketException((int)SocketError.ConnectionReset);
            buffer.AddRange(chunk.AsSpan(0, read));
        }
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var memory = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(chunk, cancellationToken)) > 0)
            memory.Write(chunk, 0, read);
        return memory.ToArray();
    }

    /// <summary>The NewPortMappingIndex a GetGenericPortMappingEntry request asks for.</summary>
    private static int EntryIndex(byte[] request)
    {
        var match = System.Text.RegularExpressions.Regex.Match(Encoding.UTF8.GetString(request), "<NewPortMappingIndex>(\\d+)</NewPortMappingIndex>");
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidDataException("a GetGenericPortMappingEntry request without NewPortMappingIndex");
    }

    /// <summary>The length of the head including its blank line, or 0 when it has not all arrived.</summary>
    private static int HeadLength(byte[] message)
    {
        var end = message.AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? 0 : end + 4;
    }

    private static string? Header(string head, string name) =>
        head.Split("\r\n").Skip(1).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();

    private static byte[] WithConnectionClose(byte[] request)
    {
        var headLength = HeadLength(request);
        var lines = Encoding.ASCII.GetString(request, 0, headLength - 4).Split("\r\n")
            .Where(l => !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
        return [.. Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\nConnection: close\r\n\r\n"), .. request.AsSpan(headLength)];
    }

    /// <summary>miniupnpd's answer with its address:port replaced by the proxy's, its length fixed and the connection closed after it.</summary>
    private byte[] Rewrite(byte[] response)
    {
        var headLength = HeadLength(response);
        if (headLength == 0)
            return response;
        var ours = $"{RouterTopology.RouterLan}:{Port.ToString(CultureInfo.InvariantCulture)}";
        var theirs = $"{RouterTopology.RouterLan}:{MiniupnpdRouter.HttpPort.ToString(CultureInfo.InvariantCulture)}";
        var body = Encoding.UTF8.GetString(response, headLength, response.Length - headLength).Replace(theirs, ours, StringComparison.Ordinal);
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var lines = Encoding.ASCII.GetString(response, 0, headLength - 4).Split("\r\n")
            .Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
        var head = string.Join("\r\n", lines) + $"\r\nContent-Length: {bodyBytes.Length.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. bodyBytes];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        lock (_held)
        {
            foreach (var socket in _held)
                socket.Dispose();
        }

        _stop.Dispose();
    }
}
