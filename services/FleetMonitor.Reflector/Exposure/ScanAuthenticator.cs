using System.Text.RegularExpressions;
using FleetMonitor.Protocols.Exposure;
using FleetMonitor.Reflector.Auth;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>Checks a scan request's timestamp, MAC (against the agent's password) and nonce, in that order.</summary>
internal sealed partial class ScanAuthenticator(AgentCredentials credentials, TimeProvider timeProvider, TimeSpan maxSkew, int maxNonces)
{
    // Compared against when the user is unknown, so that an unknown name costs the same work as a wrong MAC.
    private const string UnknownUserPassword = "fleetmonitor-no-such-agent-password";

    private readonly NonceCache _nonces = new(timeProvider, 2 * maxSkew, maxNonces);

    /// <summary>Null when the fields are well-formed; otherwise what is wrong.</summary>
    public static string? Validate(ExposureScanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!UsernamePattern().IsMatch(request.Username))
            return "username is not an agent user name";
        if (!NoncePattern().IsMatch(request.Nonce))
            return $"nonce must be {ExposureScanProtocol.NonceHexLength} lower-case hex digits";
        if (!MacPattern().IsMatch(request.Mac))
            return "mac must be 64 hex digits (HMAC-SHA256)";
        if (request.Ports is { } ports && ExposureScanProtocol.ParsePorts(ports) is var parsed
            && (parsed.Error is not null || parsed.Canonical != ports))
        {
            return $"ports: {parsed.Error ?? $"not in canonical form ('{parsed.Canonical}')"}";
        }

        if (request.RtpRange is null)
            return request.RtpSample is null ? null : "rtpSample needs rtpRange";
        if (!RtpSample.TryParseRange(request.RtpRange, out _, out _))
            return "rtpRange must be first-last, two ports with first <= last";
        if (request.RtpSample is not { } sample || sample < 1 || sample > ExposureScanProtocol.MaxRtpSample)
            return $"rtpSample must be 1 to {ExposureScanProtocol.MaxRtpSample} with rtpRange";
        return null;
    }

    public AuthenticationResult Authenticate(ExposureScanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - request.Timestamp) > maxSkew.TotalSeconds)
            return AuthenticationResult.Stale;

        var known = credentials.TryGetPassword(request.Username, out var password);
        var expected = ExposureScanProtocol.RequestMac(known ? password! : UnknownUserPassword, request);
        if (!ExposureScanProtocol.MacEquals(expected, request.Mac) || !known)
            return AuthenticationResult.Unauthenticated;

        return _nonces.TryRecord(request.Username, request.Nonce) switch
        {
            NonceResult.Replayed => AuthenticationResult.Replayed,
            NonceResult.Full => AuthenticationResult.TooManyNonces,
            _ => AuthenticationResult.Authenticated,
        };
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex NoncePattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex MacPattern();
}
