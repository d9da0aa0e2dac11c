namespace FleetMonitor.Protocols.Sip;

/// <summary>A parsed SIP response: status, headers under their full names, the top Via and the CSeq.</summary>
internal sealed record SipResponse(
    int StatusCode,
    string ReasonPhrase,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    SipVia TopVia,
    long CSeqNumber,
    string CSeqMethod,
    int BodyLength)
{
    public bool IsFinal => StatusCode >= 200;

    /// <summary>The first value of the header <paramref name="name"/> (full name, any case), or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>All values of the header <paramref name="name"/> joined as one comma-separated list, or null.</summary>
    public string? JoinedHeader(string name)
    {
        var values = Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();
        return values.Length == 0 ? null : string.Join(", ", values);
    }
}
