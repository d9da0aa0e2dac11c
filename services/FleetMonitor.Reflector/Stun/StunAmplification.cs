namespace FleetMonitor.Reflector.Stun;

/// <summary>
/// How many bytes the STUN server can send per byte it receives, worst case: the figure to weigh against its rate limit.
/// </summary>
/// <remarks>
/// <para>The worst request is the smallest one answered in full: a bare 20-byte Binding request (no attribute). Its
/// success response is the header and the four address attributes RFC 5780 §6.1 requires (XOR-MAPPED-ADDRESS,
/// MAPPED-ADDRESS, RESPONSE-ORIGIN, OTHER-ADDRESS), 4 + 8 bytes each for IPv4, 4 + 20 for IPv6: 20 + 4 x 12 = 68 bytes
/// (ratio 3.4) or 20 + 4 x 24 = 116 bytes (ratio 5.8).</para>
/// <para>Everything else a request can add costs it at least as much as it adds to the response. PADDING: the request
/// carries at least its 4-byte header (24 bytes in all) and gets back 4 bytes of PADDING plus only what fills the
/// response up to the request's size (72/24 = 3.0, 120/24 = 5.0). Credentials: USERNAME (at least 8 bytes) and
/// MESSAGE-INTEGRITY (24) make the request at least 52 bytes; the response gains the 24 bytes of MESSAGE-INTEGRITY
/// (92/52 = 1.8, 140/52 = 2.7). FINGERPRINT: 8 bytes each way. Errors: 400 and 401 are 20 + 8 + 12 or 16 bytes of
/// reason (at most 44) for requests that need an attribute to earn them, 28 bytes or more (1.6); 420 lists 2 bytes per
/// unknown attribute that cost the request at least 4 (56/24 = 2.3). CHANGE-REQUEST and RESPONSE-PORT only move the
/// response; they need credentials, and RESPONSE-PORT sends to the request's own source address.</para>
/// <para>So at most 3.4 for IPv4 and 5.8 for IPv6. The rate limiter is keyed by the source address, which in a
/// reflection attack is the victim's: towards one victim at most 20 responses a second by default after a burst of
/// 100, about 1.4 KB/s (IPv4) or 2.3 KB/s (IPv6). For comparison, open DNS resolvers amplify some 30-50 times.</para>
/// </remarks>
internal static class StunAmplification
{
    /// <summary>The largest response (68 bytes) over the smallest request (20 bytes), IPv4.</summary>
    public const double MaxRatioIPv4 = 68.0 / 20;

    /// <summary>The largest response (116 bytes) over the smallest request (20 bytes), IPv6.</summary>
    public const double MaxRatioIPv6 = 116.0 / 20;
}
