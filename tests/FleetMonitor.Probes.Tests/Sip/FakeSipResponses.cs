using System.Text;

namespace FleetMonitor.Probes.Tests.Sip;

/// <summary>Responses the test's own fake SIP peers send, built from the request as RFC 3261 8.2.6 says.</summary>
internal static class FakeSipResponses
{
    /// <summary>
    /// A response to <paramref name="request"/> echoing its Via, From, Call-ID and CSeq; <paramref name="via"/> rewrites
    /// the top Via (for a wrong branch or a NAT's received/rport).
    /// </summary>
    public static byte[] Build(string request, int status, string reason, Func<string, string>? via = null, string extraHeaders = "")
    {
        var headers = request.Split("\r\n").Skip(1).TakeWhile(line => line.Length > 0).ToArray();
        string Header(string name) => headers.First(h => h.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))[(name.Length + 1)..].Trim();

        var topVia = Header("Via");
        var text = new StringBuilder()
            .Append($"SIP/2.0 {status} {reason}\r\n")
            .Append($"Via: {(via is null ? topVia : via(topVia))}\r\n")
            .Append($"From: {Header("From")}\r\n")
            .Append($"To: {Header("To")};tag=fake{status}\r\n")
            .Append($"Call-ID: {Header("Call-ID")}\r\n")
            .Append($"CSeq: {Header("CSeq")}\r\n")
            .Append("Server: FleetMonitor fake peer\r\n")
            .Append(extraHeaders)
            .Append("Content-Length: 0\r\n\r\n")
            .ToString();
        return Encoding.UTF8.GetBytes(text);
    }
}
