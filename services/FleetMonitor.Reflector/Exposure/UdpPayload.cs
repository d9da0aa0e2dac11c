using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using FleetMonitor.Protocols.Sip;
using FleetMonitor.Protocols.Upnp;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>
/// The datagram the scanner sends to a UDP port, and how it reads the answer. A service answers only a request in its
/// own protocol, so the well-known ports get one (SIP OPTIONS, SSDP M-SEARCH, a DNS query, a NAT-PMP external address
/// request); any other port gets an empty datagram, which can only tell closed from open|filtered.
/// </summary>
internal sealed class UdpPayload
{
    private readonly Func<byte[], string?> _evidence;

    private UdpPayload(byte[] request, Func<byte[], string?> evidence)
    {
        Request = request;
        _evidence = evidence;
    }

    public byte[] Request { get; }

    /// <summary>What the answer says about the service, or null.</summary>
    public string? EvidenceFrom(byte[] reply) => _evidence(reply);

    /// <summary>The payload for <paramref name="remote"/>'s port, sent from <paramref name="local"/>.</summary>
    public static UdpPayload For(IPEndPoint remote, IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return remote.Port switch
        {
            5060 => Sip(remote, local),
            1900 => Ssdp(remote),
            53 => Dns(),
            5351 => new UdpPayload([0, 0], NatPmpEvidence),
            _ => new UdpPayload([], reply => Evidence.Printable(reply.AsSpan(0, Math.Min(reply.Length, 64)))),
        };
    }

    private static UdpPayload Sip(IPEndPoint remote, IPEndPoint local)
    {
        var request = SipOptionsRequest.Create(new SipTarget(remote.Address.ToString(), remote.Port), SipTransport.Udp, local);
        return new UdpPayload(request.ToBytes(), reply => SipEvidence(SipResponseParser.ParseDatagram(reply).Response, reply));
    }

    /// <summary>The status line and the Server or User-Agent header of a SIP response (shared with the TCP banner).</summary>
    public static string? SipEvidence(SipResponse? response, byte[] raw) => response is null
        ? Evidence.FirstLine(raw)
        : Evidence.Join(
            $"SIP/2.0 {response.StatusCode} {response.ReasonPhrase}",
            response.JoinedHeader("Server") is { } server ? $"Server: {server}" : null,
            response.JoinedHeader("User-Agent") is { } agent ? $"User-Agent: {agent}" : null);

    private static UdpPayload Ssdp(IPEndPoint remote) => new(
        SsdpMessage.Search(remote.ToString(), "ssdp:all", maxWaitSeconds: 1),
        reply => SsdpMessage.ParseResponse(reply) is { } headers
            ? Evidence.Join(
                headers.TryGetValue("SERVER", out var server) ? $"SERVER: {server}" : null,
                headers.TryGetValue("ST", out var st) ? $"ST: {st}" : null) ?? "SSDP response"
            : Evidence.FirstLine(reply));

    // A CHAOS TXT query for version.bind: answered by the resolver itself, never sent on upstream.
    private static UdpPayload Dns()
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        var query = new List<byte>();
        query.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        foreach (var label in new[] { "version", "bind" })
        {
            query.Add((byte)label.Length);
            query.AddRange(Encoding.ASCII.GetBytes(label));
        }

        query.AddRange([0, 0, 16, 0, 3]);
        return new UdpPayload([.. query], reply => DnsEvidence(reply, id));
    }

    private static string? DnsEvidence(byte[] reply, ushort id)
    {
        if (reply.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(reply) != id || (reply[2] & 0x80) == 0)
            return Evidence.Join("not a DNS response", Evidence.Printable(reply.AsSpan(0, Math.Min(reply.Length, 32))));
        var rcode = reply[3] & 0x0F;
        var recursion = (reply[3] & 0x80) != 0;
        var rcodeName = rcode switch
        {
            0 => "NOERROR",
            1 => "FORMERR",
            2 => "SERVFAIL",
            3 => "NXDOMAIN",
            4 => "NOTIMP",
            5 => "REFUSED",
            _ => $"rcode {rcode}",
        };
        return Evidence.Join($"DNS {rcodeName}", recursion ? "recursion available" : null, DnsVersion(reply) is { } version ? $"version.bind: {version}" : null);
    }

    // The first TXT string of the first answer, or null; every offset is checked, the reply is the internet's.
    private static string? DnsVersion(byte[] reply)
    {
        if (BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(6)) == 0)
            return null;
        var offset = 12;
        if (!SkipName(reply, ref offset) || (offset += 4) > reply.Length || !SkipName(reply, ref offset))
            return null;
        if (offset + 10 > reply.Length || BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(offset)) != 16)
            return null;
        offset += 10;
        if (offset >= reply.Length)
            return null;
        var length = reply[offset];
        return offset + 1 + length > reply.Length ? null : Evidence.Printable(reply.AsSpan(offset + 1, length));
    }

    private static bool SkipName(byte[] data, ref int offset)
    {
        for (var labels = 0; labels < 128 && offset < data.Length; labels++)
        {
            var length = data[offset];
            if (length == 0)
            {
                offset++;
                return true;
            }

            if ((length & 0xC0) == 0xC0)
            {
                offset += 2;
                return offset <= data.Length;
            }

            offset += 1 + length;
        }

        return false;
    }

    // RFC 6886 3.2: version 0, opcode 128, result code, seconds since epoch, external IPv4 address.
    private static string? NatPmpEvidence(byte[] reply)
    {
        if (reply.Length < 12 || reply[0] != 0 || reply[1] != 128)
            return Evidence.Join("not a NAT-PMP response", Evidence.Printable(reply.AsSpan(0, Math.Min(reply.Length, 32))));
        var result = BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(2));
        return $"NAT-PMP result {result}, external address {new IPAddress(reply.AsSpan(8, 4))}";
    }
}
