namespace FleetMonitor.Protocols.Sip;

/// <summary>
/// A parsed SIP request: method, Request-URI, headers under their full names (as <see cref="SipResponseParser"/> names
/// them), the top Via both parsed and as written, the CSeq and the body.
/// </summary>
internal sealed record SipRequest(
    string Method,
    string RequestUri,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    SipVia TopVia,
    string TopViaText,
    long CSeqNumber,
    string CSeqMethod,
    ReadOnlyMemory<byte> Body)
{
    /// <summary>The first value of the header <paramref name="name"/> (full name, any case), or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Every value of the header <paramref name="name"/> in order, one per header line.</summary>
    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
}
