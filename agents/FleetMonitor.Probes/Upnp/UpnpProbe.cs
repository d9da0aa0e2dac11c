using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using FleetMonitor.Contracts;
using FleetMonitor.Protocols.Exposure;
using FleetMonitor.Protocols.Upnp;

namespace FleetMonitor.Probes.Upnp;

/// <summary>
/// The <c>upnp</c> probe: finds the LAN's UPnP Internet Gateway Device and reads its external address and every port
/// mapping, flagging the mappings that expose a phone's site: SIP, RTP, remote-admin ports, wide ranges, and mappings
/// that other devices on the LAN made.
/// </summary>
/// <remarks>
/// Target: <c>ssdp</c> (or empty) to discover the IGD with an M-SEARCH for InternetGatewayDevice:1 and :2, or the
/// http:// URL of its device description to skip discovery. Parameters: <c>ssdp_address</c> (where the M-SEARCH
/// goes; default 239.255.255.250:1900, the SSDP group, which stays on the LAN), <c>ssdp_wait_ms</c> (default 2000),
/// <c>rtp_range</c> (the site's RTP range; default 10000-20000 and 16384-32767), <c>wide_range</c> (how many
/// consecutive mapped ports make a wide range; default 10), <c>max_mappings</c> (default and at most 256). When the
/// deadline comes while the mappings are read, those read are reported with their findings and <c>upnp.incomplete</c>;
/// the default timeout (<see cref="ProbeKindSpecs"/>) leaves time for 256. Facts:
/// <c>igd_location</c>, <c>igd_server</c>, <c>igd_service</c>, <c>igd_name</c>, <c>external_address</c>,
/// <c>mappings</c> (every mapping, <c>PROTO external -&gt; client:port "description"</c>, separated by <c>; </c>).
/// Measurements: <c>mappings_count</c>, <c>ssdp_responses</c>. Findings: <c>upnp.not_found</c>,
/// <c>upnp.failed</c>, <c>upnp.incomplete</c>, <c>upnp.mapping.sip</c>, <c>upnp.mapping.rtp</c>, <c>upnp.mapping.admin</c>,
/// <c>upnp.mapping.wide_range</c> (each Degraded), <c>upnp.mapping.other_host</c>, <c>upnp.mappings_truncated</c>
/// (informational).
/// </remarks>
public sealed class UpnpProbe(TimeProvider timeProvider) : IProbe
{
    /// <summary>The most mappings read (GetGenericPortMappingEntry 0 .. this - 1).</summary>
    public const int MappingCap = 256;

    /// <summary>How many GetGenericPortMappingEntry calls are in flight at once: few, as a home router's web server is small.</summary>
    private const int ConcurrentReads = 4;

    /// <summary>UPnP error 713, SpecifiedArrayIndexInvalid: the index is past the last mapping.</summary>
    private const int ArrayIndexInvalid = 713;

    private static readonly IPEndPoint DefaultSsdp = new(IPAddress.Parse(SsdpMessage.MulticastHost), SsdpMessage.Port);

    public UpnpProbe()
        : this(TimeProvider.System)
    {
    }

    public string Kind => "upnp";

    /// <inheritdoc />
    /// <remarks>Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires.</remarks>
    public async Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Uri? description = null;
        var target = request.Target.Trim();
        if (target.Length > 0 && !target.Equals("ssdp", StringComparison.OrdinalIgnoreCase)
            && (!Uri.TryCreate(target, UriKind.Absolute, out description) || description.Scheme != Uri.UriSchemeHttp))
        {
            return ObservationBuilder.Invalid(FindingCodes.InvalidTarget, $"'{request.Target}' is neither ssdp nor the http:// URL of an IGD's description");
        }

        if (ProbeRequestCheck.Refuse(Kind, request) is { } refused)
            return refused;
        var ssdp = DefaultSsdp;
        if (request.Parameters.TryGetValue("ssdp_address", out var ssdpText) && (!IPEndPoint.TryParse(ssdpText, out ssdp!) || ssdp.Port == 0))
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"ssdp_address must be address:port, not '{ssdpText}'");
        if (!TryInt(request.Parameters, "ssdp_wait_ms", 2000, 100, 30_000, out var waitMs)
            || !TryInt(request.Parameters, "wide_range", 10, 2, 65535, out var wideRange)
            || !TryInt(request.Parameters, "max_mappings", MappingCap, 1, MappingCap, out var maxMappings))
        {
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"ssdp_wait_ms must be 100-30000, wide_range 2-65535, max_mappings 1-{MappingCap}");
        }

        IReadOnlyList<(int First, int Last)> rtpRanges = UpnpMappingRules.DefaultRtpRanges;
        if (request.Parameters.TryGetValue("rtp_range", out var rtpText))
        {
            var dash = rtpText.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !ExposurePort.TryParseNumber(rtpText[..dash].Trim(), out var first)
                || !ExposurePort.TryParseNumber(rtpText[(dash + 1)..].Trim(), out var last) || first > last)
            {
                return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"rtp_range must be first-last, not '{rtpText}'");
            }

            rtpRanges = [(first, last)];
        }

        using var deadline = ProbeDeadline.Start(request.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var observation = new ObservationBuilder();
        try
        {
            await RunAsync(description, ssdp, TimeSpan.FromMilliseconds(waitMs), maxMappings, rtpRanges, wideRange, observation, linked.Token, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            observation.Degrade(FindingCodes.UpnpFailed, $"the IGD did not finish answering before the deadline ({request.Timeout})");
        }
        catch (HttpRequestException e)
        {
            observation.Degrade(FindingCodes.UpnpFailed, $"the IGD could not be reached over HTTP: {e.Message}");
        }
        catch (Exception e)
        {
            return ObservationBuilder.Invalid(FindingCodes.InternalError, $"the upnp probe failed unexpectedly: {e.Message}");
        }

        return observation.Build();
    }

    private async Task RunAsync(
        Uri? location, IPEndPoint ssdp, TimeSpan wait, int maxMappings, IReadOnlyList<(int First, int Last)> rtpRanges, int wideRange,
        ObservationBuilder observation, CancellationToken token, CancellationToken caller)
    {
        if (location is null)
        {
            var responses = await SsdpDiscovery.SearchAsync(ssdp, wait, timeProvider, token);
            observation.Measure("ssdp_responses", responses.Count);
            var igd = responses.FirstOrDefault(r => r.SearchTarget is SsdpMessage.IgdV2 or SsdpMessage.IgdV1) ?? (responses.Count > 0 ? responses[0] : null);
            if (igd is null)
            {
                observation.Add(FindingCodes.UpnpNotFound, ProbeOutcome.Ok, null);
                return;
            }

            location = igd.Location;
            if (igd.Server is { } server)
                observation.Fact("igd_server", server);
        }

        observation.Fact("igd_location", location.ToString());

        // A LAN device, reached directly: a proxy would not reach it, or would see another LAN.
        using var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using (var response = await client.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, token))
        {
            var body = await UpnpHttp.ReadBoundedAsync(response, token);
            var document = response.IsSuccessStatusCode && body is not null ? UpnpXml.Parse(body) : null;
            if (document is null)
            {
                observation.Degrade(FindingCodes.UpnpFailed, $"the IGD's description at {location} is not readable XML (HTTP {(int)response.StatusCode})");
                return;
            }

            if (UpnpDescription.Find(document, location) is not { } description)
            {
                observation.Degrade(FindingCodes.UpnpFailed, $"the IGD's description at {location} has no WANIPConnection or WANPPPConnection service");
                return;
            }

            observation.Fact("igd_service", description.ServiceType);
            if (description.FriendlyName is { } name)
                observation.Fact("igd_name", name);
            await ReadAsync(new UpnpSoapClient(client, description.ControlUrl, description.ServiceType), maxMappings, rtpRanges, wideRange, observation, token, caller);
        }
    }

    private async Task ReadAsync(
        UpnpSoapClient soap, int maxMappings, IReadOnlyList<(int First, int Last)> rtpRanges, int wideRange, ObservationBuilder observation,
        CancellationToken token, CancellationToken caller)
    {
        var external = await soap.CallAsync("GetExternalIPAddress", [], token);
        if (external.Succeeded)
            observation.Fact("external_address", external.Argument("NewExternalIPAddress"));
        else
            observation.Degrade(FindingCodes.UpnpFailed, $"GetExternalIPAddress failed: {external.Error}");

        var mappings = new List<UpnpPortMapping>();
        var started = timeProvider.GetTimestamp();
        try
        {
            await ReadMappingsAsync(soap, maxMappings, mappings, observation, token);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            observation.Degrade(FindingCodes.UpnpIncomplete, string.Create(CultureInfo.InvariantCulture,
                $"the deadline came after {mappings.Count} mappings ({timeProvider.GetElapsedTime(started).TotalSeconds:0.#} s): the rest are unknown; give the probe a longer timeout"));
        }

        observation.Measure("mappings_count", mappings.Count);
        if (mappings.Count > 0)
            observation.Fact("mappings", string.Join("; ", mappings));
        foreach (var (finding, severity, matched) in UpnpMappingRules.Classify(mappings, rtpRanges, wideRange, LocalAddresses()))
        {
            var listed = string.Join(", ", matched.Take(5)) + (matched.Count > 5 ? $" and {matched.Count - 5} more" : "");
            observation.Add(finding, severity, $"{finding}: {listed}");
        }
    }

    /// <summary>
    /// GetGenericPortMappingEntry from index 0 until the IGD says there are no more, into <paramref name="mappings"/> in
    /// index order as they come.
    /// </summary>
    /// <remarks>
    /// Up to <see cref="ConcurrentReads"/> indexes are asked at once, each on its own connection (an IGD answers one
    /// action per connection, and a busy one is slow to each): a slow IGD or machine then costs one wait per few
    /// mappings, not per mapping. The first index that fails ends the list and the reads past it are dropped. When
    /// <paramref name="token"/> fires, the later reads that had already been answered are kept as well.
    /// </remarks>
    private static async Task ReadMappingsAsync(
        UpnpSoapClient soap, int maxMappings, List<UpnpPortMapping> mappings, ObservationBuilder observation, CancellationToken token)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var window = new Queue<Task<UpnpSoapResult>>();
        var next = 0;
        try
        {
            while (true)
            {
                while (next < maxMappings && window.Count < ConcurrentReads)
                    window.Enqueue(soap.CallAsync("GetGenericPortMappingEntry", [("NewPortMappingIndex", next++.ToString(CultureInfo.InvariantCulture))], stop.Token));
                if (window.Count == 0)
                    return;

                var index = next - window.Count;
                var entry = await window.Dequeue();
                if (!entry.Succeeded)
                {
                    // 713 (or 714, NoSuchEntryInArray, from some IGDs) ends the list; anything else is a broken IGD.
                    if (entry.ErrorCode is not (ArrayIndexInvalid or 714))
                        observation.Degrade(FindingCodes.UpnpFailed, $"reading mapping {index} failed: {entry.Error}");
                    return;
                }

                mappings.Add(Mapping(entry));
                if (index == maxMappings - 1)
                    observation.Add(FindingCodes.UpnpMappingsTruncated, ProbeOutcome.Ok, $"the IGD has more than {maxMappings} mappings; only those were read");
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            foreach (var answered in window.Where(t => t.IsCompletedSuccessfully && t.Result.Succeeded))
                mappings.Add(Mapping(answered.Result));
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var pending in window)
            {
                try
                {
                    await pending;
                }
                catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
                {
                    // Past the end of the list or the deadline: nobody waits for it.
                }
            }
        }
    }

    private static UpnpPortMapping Mapping(UpnpSoapResult entry) => new(
        entry.Argument("NewRemoteHost"),
        int.TryParse(entry.Argument("NewExternalPort"), NumberStyles.None, CultureInfo.InvariantCulture, out var externalPort) ? externalPort : 0,
        entry.Argument("NewProtocol").ToUpperInvariant(),
        int.TryParse(entry.Argument("NewInternalPort"), NumberStyles.None, CultureInfo.InvariantCulture, out var internalPort) ? internalPort : 0,
        entry.Argument("NewInternalClient"),
        entry.Argument("NewEnabled") is "1" or "true",
        entry.Argument("NewPortMappingDescription"),
        long.TryParse(entry.Argument("NewLeaseDuration"), NumberStyles.None, CultureInfo.InvariantCulture, out var lease) ? lease : 0);

    /// <summary>This machine's unicast addresses, to tell its own mappings from other devices'.</summary>
    private static HashSet<IPAddress> LocalAddresses()
    {
        var addresses = new HashSet<IPAddress>();
        foreach (var network in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var unicast in network.GetIPProperties().UnicastAddresses)
                addresses.Add(UpnpMappingRules.Normalize(unicast.Address));
        }

        return addresses;
    }

    private static bool TryInt(IReadOnlyDictionary<string, string> parameters, string name, int fallback, int min, int max, out int value)
    {
        value = fallback;
        return !parameters.TryGetValue(name, out var text)
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max);
    }
}
