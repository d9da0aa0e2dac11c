using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Templates;

/// <summary>
/// Templates shipped with FleetMonitor, stored the first time templates are read (an admin may change them afterwards;
/// a stored one is never overwritten).
/// </summary>
public sealed class BuiltInTemplates(TemplateStore store)
{
    public const string RemoteVoipPhoneId = "remote-voip-phone";

    private volatile bool _stored;

    /// <summary>
    /// What a remote VoIP phone needs, per the vendor notes: TCP and TLS to the PBX's register ports, HTTP/1.1
    /// provisioning on 80 and 443, the SIP SRV records, SIP OPTIONS over UDP and TCP, a media stream through the
    /// Reflector, the NAT's behaviour, SIP ALG, the connect-back exposure scan and the UPnP audit. Variables: <c>pbx</c>,
    /// <c>provisioning</c> and <c>reflector</c> (host names) and <c>sip_domain</c> (the domain whose SIP SRV records
    /// the phone looks up).
    /// </summary>
    public static IReadOnlyList<TemplateDefinition> RemoteVoipPhone { get; } =
    [
        new("pbx-tcp", "tcp", "${pbx}:5060", 60, null, null, 5, null, null),
        new("pbx-tls", "tcp", "${pbx}:5061", 60, null, null, 5, new() { ["tls"] = "true", ["sni"] = "${pbx}" }, null),
        new("provisioning-http", "http", "http://${provisioning}/", 300, null, null, 10, null, null),
        new("provisioning-https", "http", "https://${provisioning}/", 300, null, null, 10, null, null),
        new("sip-srv", "dns", "${sip_domain}", 300, null, null, 5, null, null),
        new("sip-options-udp", "sip", "${pbx}:5060", 60, null, null, 5, new() { ["transport"] = "udp" }, null),
        new("sip-options-tcp", "sip", "${pbx}:5060", 60, null, null, 5, new() { ["transport"] = "tcp" }, null),
        new("media", "media", "${reflector}:7000", 300, null, null, 10, null, null),
        new("nat", "nat", "${reflector}:3478", 3600, null, null, 130, null, null),
        new("sip-alg", "sip-alg", "${reflector}:5060", 3600, null, null, 10, new() { ["transports"] = "udp,tcp" }, null),
        new("exposure", "exposure", "https://${reflector}/", 21600, null, null, 30, null, null),
        new("upnp", "upnp", "ssdp", 3600, null, null, 5, null, null),
    ];

    public async Task EnsureStoredAsync(CancellationToken cancellationToken)
    {
        if (_stored)
        {
            return;
        }

        await store.SaveAsync(
            RemoteVoipPhoneId, "Remote VoIP phone",
            "A SIP phone at home registering to the office PBX: register ports, provisioning, SIP SRV, OPTIONS over UDP and TCP, media, NAT, SIP ALG, exposure and UPnP.",
            JsonSerializer.Serialize(RemoteVoipPhone, WireFormat.Options), onlyIfAbsent: true, cancellationToken);
        _stored = true;
    }
}
