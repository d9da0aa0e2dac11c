namespace FleetMonitor.Protocols.Sip;

/// <summary>
/// One Via header value (RFC 3261 20.42): the transport and sent-by the client wrote, and the parameters the server
/// may have added (<c>received</c>, <c>rport</c> of RFC 3581).
/// </summary>
internal sealed record SipVia(string Transport, string Host, int? Port, IReadOnlyDictionary<string, string?> Parameters)
{
    public string? Branch => Parameters.GetValueOrDefault("branch");

    public string? Received => Parameters.GetValueOrDefault("received");

    /// <summary>The <c>rport</c> value; null when absent or present without a value (the server did not fill it in).</summary>
    public string? Rport => Parameters.GetValueOrDefault("rport");
}
