using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security;
using System.Text;

namespace FleetMonitor.Probes.Upnp;

/// <summary>Calls UPnP control actions (SOAP 1.1 over HTTP/1.1, UPnP Device Architecture 1.1 section 3) on one service.</summary>
internal sealed class UpnpSoapClient(HttpClient client, Uri controlUrl, string serviceType)
{
    public async Task<UpnpSoapResult> CallAsync(string action, IReadOnlyList<(string Name, string Value)> arguments, CancellationToken cancellationToken)
    {
        var body = new StringBuilder()
            .Append("<?xml version=\"1.0\"?>\r\n")
            .Append("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">")
            .Append(CultureInfo.InvariantCulture, $"<s:Body><u:{action} xmlns:u=\"{SecurityElement.Escape(serviceType)}\">");
        foreach (var (name, value) in arguments)
            body.Append(CultureInfo.InvariantCulture, $"<{name}>{SecurityElement.Escape(value)}</{name}>");
        body.Append(CultureInfo.InvariantCulture, $"</u:{action}></s:Body></s:Envelope>\r\n");

        using var content = new StringContent(body.ToString(), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/xml; charset=\"utf-8\"");
        using var request = new HttpRequestMessage(HttpMethod.Post, controlUrl) { Content = content };
        request.Headers.TryAddWithoutValidation("SOAPAction", $"\"{serviceType}#{action}\"");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var bytes = await UpnpHttp.ReadBoundedAsync(response, cancellationToken);
        var document = bytes is null ? null : UpnpXml.Parse(bytes);
        if (document?.Root is not { } root)
            return new UpnpSoapResult(null, null, $"{action}: HTTP {(int)response.StatusCode} without a readable SOAP body");

        if (response.StatusCode == HttpStatusCode.OK)
        {
            var reply = root.Descendants().FirstOrDefault(e => e.Name.LocalName == $"{action}Response");
            if (reply is null)
                return new UpnpSoapResult(null, null, $"{action}: the answer has no {action}Response");
            return new UpnpSoapResult(reply.Elements().ToDictionary(e => e.Name.LocalName, e => e.Value.Trim(), StringComparer.Ordinal), null, null);
        }

        var error = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "UPnPError");
        var code = error is null ? null : UpnpXml.Child(error, "errorCode");
        var text = error is null ? null : UpnpXml.Child(error, "errorDescription");
        return new UpnpSoapResult(
            null,
            int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null,
            $"{action}: HTTP {(int)response.StatusCode}, UPnP error {code ?? "?"} {text}".TrimEnd());
    }
}
