using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FleetMonitor.Probes.Tests.SipAlg;

/// <summary>
/// Rewrites a request as Linux's SIP ALG (nf_conntrack_sip with nf_nat_sip behind MASQUERADE) was seen to in the
/// network-namespace tests: the private address and port in the top Via, Contact and From become the public ones, the
/// SDP o= and c= addresses the public address (m= keeps its port), and Content-Length follows.
/// </summary>
internal static partial class LinuxAlg
{
    public static string Rewrite(string request, string privateAddress, string publicAddress, bool sdp = true)
    {
        var split = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = request[..split].Split("\r\n");
        var body = request[(split + 4)..];
        for (var i = 0; i < head.Length; i++)
        {
            if (head[i].StartsWith("Via:", StringComparison.Ordinal) || head[i].StartsWith("Contact:", StringComparison.Ordinal)
                || head[i].StartsWith("From:", StringComparison.Ordinal))
            {
                head[i] = head[i].Replace(privateAddress + ":", publicAddress + ":", StringComparison.Ordinal);
            }
        }

        if (sdp)
            body = SdpAddress().Replace(body, m => m.Value.Replace(privateAddress, publicAddress, StringComparison.Ordinal));
        var length = Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < head.Length; i++)
        {
            if (head[i].StartsWith("Content-Length:", StringComparison.Ordinal))
                head[i] = "Content-Length: " + length;
        }

        return string.Join("\r\n", head) + "\r\n\r\n" + body;
    }

    [GeneratedRegex("(?m)^[oc]=.*$")]
    private static partial Regex SdpAddress();
}
