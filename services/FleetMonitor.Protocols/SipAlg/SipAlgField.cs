namespace FleetMonitor.Protocols.SipAlg;

/// <summary>
/// The names of the values a SIP ALG rewrites, as the mirror's verdict and the probe's facts spell them: the top Via,
/// the Contact, the From, and the SDP origin (o=), connection (c=) and media (m=) lines.
/// </summary>
internal static class SipAlgField
{
    public const string Via = "via";
    public const string Contact = "contact";
    public const string From = "from";
    public const string SdpOrigin = "sdp_o";
    public const string SdpConnection = "sdp_c";
    public const string SdpMedia = "sdp_m";

    /// <summary>Every field, in the order verdicts list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Via, Contact, From, SdpOrigin, SdpConnection, SdpMedia];

    /// <summary>True for the SDP fields (<c>sdp_*</c>).</summary>
    public static bool IsSdp(string field) => field.StartsWith("sdp_", StringComparison.Ordinal);

    /// <summary>True when <paramref name="name"/> could be a field name (lower-case letters, digits, underscores), known or not.</summary>
    public static bool IsWellFormed(string name) =>
        name.Length is > 0 and <= 32 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
