using System.Buffers.Binary;
using System.Net;
using FleetMonitor.Protocols.Stun;
using FleetMonitor.Reflector.Auth;

namespace FleetMonitor.Reflector.Stun;

/// <summary>
/// Decides the answer to one datagram that arrived on one of the four sockets: an RFC 5780 Binding response from the
/// socket the CHANGE-REQUEST flags name, an error, or nothing. No sockets here, so that every rule is unit-tested.
/// </summary>
/// <remarks>
/// <para>Rules, in order: a source port below <c>minSourcePort</c>, anything the strict parser refuses, and anything but
/// a Binding request are dropped unanswered (a STUN server does not answer indications or responses). A request with
/// USERNAME and MESSAGE-INTEGRITY is checked against the agent's password (401 when unknown or wrong; 400 when only one
/// of the two is present, RFC 8489 §9.1.3). A request asking for a CHANGE-REQUEST flag or RESPONSE-PORT must be so
/// authenticated, else 401: without credentials they would make the Reflector send to places the source did not send
/// from. A CHANGE-REQUEST with no flag set asks for nothing and needs no credentials. Unknown comprehension-required
/// attributes give 420 with UNKNOWN-ATTRIBUTES (RFC 8489 §6.3.1). RESPONSE-PORT with PADDING is refused with 400
/// (RFC 5780 §6.1, §7.5), as is a RESPONSE-PORT below <c>minSourcePort</c>.</para>
/// <para>A success carries XOR-MAPPED-ADDRESS, MAPPED-ADDRESS, RESPONSE-ORIGIN (the socket it leaves from) and
/// OTHER-ADDRESS (Ca:Cp, RFC 5780 table 1); MESSAGE-INTEGRITY when the request was authenticated; FINGERPRINT only
/// when the request had one; never SOFTWARE. PADDING, which RFC 5780 §6.1 requires back when the request has it, is
/// only as long as brings the response up to the request's own size, never beyond: a small padded request cannot
/// buy a large padded response. Errors go to the request's source from the socket it arrived on, never to
/// RESPONSE-PORT. See <see cref="StunAmplification"/> for the largest response per request byte this allows.</para>
/// </remarks>
internal sealed class StunRequestHandler(StunServerAddresses addresses, AgentCredentials credentials, int minSourcePort)
{
    // Short reason phrases: they are for people, and every byte of them is in the response size.
    internal const string BadRequestReason = "Bad Request";
    internal const string UnauthenticatedReason = "Unauthenticated";
    internal const string UnknownAttributeReason = "Unknown Attribute";

    private const ushort BindingRequestType = 0x0001;

    /// <summary>
    /// A header-only check (type Binding request, magic cookie, length) cheap enough to run before the rate limiter, so
    /// that only what could be answered spends a source's tokens.
    /// </summary>
    public static bool LooksLikeBindingRequest(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= StunMessageParser.HeaderLength
        && BinaryPrimitives.ReadUInt16BigEndian(datagram) == BindingRequestType
        && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == StunMessageParser.MagicCookie
        && BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]) == datagram.Length - StunMessageParser.HeaderLength;

    public StunHandling Handle(ReadOnlySpan<byte> datagram, IPEndPoint receivedOn, IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(receivedOn);
        ArgumentNullException.ThrowIfNull(source);
        if (source.Port < minSourcePort)
            return StunHandling.Drop(ReflectorMetrics.StunDropReason.SourcePort);
        var parsed = StunMessageParser.Parse(datagram);
        if (!parsed.IsSuccess)
            return StunHandling.Drop(ReflectorMetrics.StunDropReason.Malformed);
        var request = parsed.Message;
        if (request.Type != StunMessageType.BindingRequest)
            return StunHandling.Drop(ReflectorMetrics.StunDropReason.NotBindingRequest);

        var change = request.ChangeRequest ?? StunChangeRequest.None;
        var features = Features(request, change);
        var needsCredentials = change != StunChangeRequest.None || request.ResponsePort is not null;

        byte[]? key = null;
        if (request.Username is not null != request.HasMessageIntegrity)
            return Error(request, StunErrorCode.BadRequest, BadRequestReason, receivedOn, source, null, features);
        if (request.Username is not null)
        {
            if (!credentials.TryGetPassword(request.Username, out var password))
                return Error(request, StunErrorCode.Unauthenticated, UnauthenticatedReason, receivedOn, source, null, features);
            var candidate = StunShortTermKey.FromPassword(password);
            if (!request.VerifyIntegrity(datagram, candidate))
                return Error(request, StunErrorCode.Unauthenticated, UnauthenticatedReason, receivedOn, source, null, features);
            key = candidate;
            features |= StunRequestFeatures.Authenticated;
        }
        else if (needsCredentials)
        {
            return Error(request, StunErrorCode.Unauthenticated, UnauthenticatedReason, receivedOn, source, null, features);
        }

        var unknown = request.GetUnknownComprehensionRequired();
        if (unknown.Count > 0)
            return Error(request, StunErrorCode.UnknownAttribute, UnknownAttributeReason, receivedOn, source, key, features, unknown);
        if (request.ResponsePort is { } responsePort && (request.PaddingLength is not null || responsePort < Math.Max(1, minSourcePort)))
            return Error(request, StunErrorCode.BadRequest, BadRequestReason, receivedOn, source, key, features);

        var from = new IPEndPoint(
            (change & StunChangeRequest.ChangeIp) != 0 ? addresses.OtherAddress(receivedOn.Address) : receivedOn.Address,
            (change & StunChangeRequest.ChangePort) != 0 ? addresses.OtherPort(receivedOn.Port) : receivedOn.Port);
        var to = new IPEndPoint(source.Address, request.ResponsePort ?? source.Port);
        var response = new StunMessageWriter(StunMessageType.BindingSuccess, request.TransactionId)
            .AddXorMappedAddress(source)
            .AddMappedAddress(source)
            .AddResponseOrigin(from)
            .AddOtherAddress(addresses.OtherEndpoint(receivedOn));
        if (request.PaddingLength is not null)
            response.AddPadding(PaddingLength(request.Length, response.Length, key is not null, request.HasFingerprint));
        Finish(response, request, key);
        return StunHandling.Send(new StunReply(response.ToArray(), from, to, null, features));
    }

    /// <summary>
    /// The PADDING value length that brings the response to at most <paramref name="requestLength"/> bytes: what is
    /// left of the request's size after the response's other attributes, in whole 4-byte words, or zero.
    /// </summary>
    internal static int PaddingLength(int requestLength, int lengthSoFar, bool integrity, bool fingerprint)
    {
        var after = 4 + (integrity ? 4 + 20 : 0) + (fingerprint ? 8 : 0);
        return Math.Max(0, (requestLength - lengthSoFar - after) & ~3);
    }

    private static StunRequestFeatures Features(StunMessage request, StunChangeRequest change)
    {
        var features = StunRequestFeatures.None;
        if ((change & StunChangeRequest.ChangeIp) != 0)
            features |= StunRequestFeatures.ChangeIp;
        if ((change & StunChangeRequest.ChangePort) != 0)
            features |= StunRequestFeatures.ChangePort;
        if (request.ResponsePort is not null)
            features |= StunRequestFeatures.ResponsePort;
        if (request.PaddingLength is not null)
            features |= StunRequestFeatures.Padding;
        return features;
    }

    private static StunHandling Error(
        StunMessage request, int code, string reason, IPEndPoint receivedOn, IPEndPoint source, byte[]? key,
        StunRequestFeatures features, IReadOnlyList<ushort>? unknown = null)
    {
        var response = new StunMessageWriter(StunMessageType.BindingError, request.TransactionId)
            .AddErrorCode(new StunErrorCode(code, reason));
        if (unknown is not null)
            response.AddUnknownAttributes([.. unknown]);
        Finish(response, request, key);
        return StunHandling.Send(new StunReply(response.ToArray(), receivedOn, source, code, features));
    }

    private static void Finish(StunMessageWriter response, StunMessage request, byte[]? key)
    {
        if (key is not null)
            response.AddMessageIntegrity(key);
        if (request.HasFingerprint)
            response.AddFingerprint();
    }
}
