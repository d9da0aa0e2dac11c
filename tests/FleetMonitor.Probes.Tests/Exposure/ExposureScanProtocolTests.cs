using System.Text;
using System.Text.Json;
using FleetMonitor.Probes.Exposure;
using FleetMonitor.Protocols.Exposure;

namespace FleetMonitor.Probes.Tests.Exposure;

public sealed class ExposureScanProtocolTests
{
    private static readonly ExposureScanRequest Request = new()
    {
        Username = "agent-7",
        Timestamp = 1_800_000_000,
        Nonce = "00112233445566778899aabbccddeeff",
        RtpRange = "10000-20000",
        RtpSample = 4,
        Mac = "",
    };

    [Fact]
    public void The_request_MAC_is_HMAC_SHA256_over_the_documented_fields()
    {
        // Independent of the implementation: the canonical text written out by hand.
        var text = "fleetmonitor-exposure-scan-v1\nagent-7\n1800000000\n00112233445566778899aabbccddeeff\n10000-20000\n4";
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("secret-password-123"u8, Encoding.UTF8.GetBytes(text)));

        Assert.Equal(expected, ExposureScanProtocol.RequestMac("secret-password-123", Request));
    }

    [Fact]
    public void Every_field_and_the_password_change_the_MAC()
    {
        var mac = ExposureScanProtocol.RequestMac("secret-password-123", Request);

        Assert.NotEqual(mac, ExposureScanProtocol.RequestMac("secret-password-124", Request));
        Assert.NotEqual(mac, ExposureScanProtocol.RequestMac("secret-password-123", Request with { Username = "agent-8" }));
        Assert.NotEqual(mac, ExposureScanProtocol.RequestMac("secret-password-123", Request with { Timestamp = 1_800_000_001 }));
        Assert.NotEqual(mac, ExposureScanProtocol.RequestMac("secret-password-123", Request with { Nonce = "f0112233445566778899aabbccddeeff" }));
        Assert.NotEqual(mac, ExposureScanProtocol.RequestMac("secret-password-123", Request with { RtpRange = "10000-20001" }));
        Assert.NotEqual(mac, ExposureScanProtocol.RequestMac("secret-password-123", Request with { RtpSample = 5 }));
        Assert.True(ExposureScanProtocol.MacEquals(mac, mac.ToUpperInvariant()));
        Assert.False(ExposureScanProtocol.MacEquals(mac, mac[..^1]));
        Assert.False(ExposureScanProtocol.MacEquals(mac, null));
    }

    [Fact]
    public void The_result_MAC_binds_the_body_to_the_request_nonce()
    {
        var body = """{"address":"203.0.113.2","ports":[]}"""u8.ToArray();
        var mac = ExposureScanProtocol.ResultMac("secret-password-123", Request.Nonce, body);

        Assert.NotEqual(mac, ExposureScanProtocol.ResultMac("secret-password-123", "ffeeddccbbaa99887766554433221100", body));
        Assert.NotEqual(mac, ExposureScanProtocol.ResultMac("secret-password-123", Request.Nonce, [.. body, (byte)' ']));
    }

    [Fact]
    public void A_request_with_any_other_member_does_not_deserialize()
    {
        var json = """{"username":"a","timestamp":1,"nonce":"n","mac":"m","target":"198.51.100.7"}""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ExposureScanRequest>(json, ExposureScanProtocol.JsonOptions));
    }

    [Theory]
    [InlineData(null, "5060/udp", true)]
    [InlineData("all", "22/tcp", true)]
    [InlineData("none", "22/tcp", false)]
    [InlineData("", "22/tcp", false)]
    [InlineData("5060", "5060/tcp", true)]
    [InlineData("5060/udp, 22", "5060/tcp", false)]
    [InlineData("5060/udp, 22", "22/tcp", true)]
    public void Forbidden_ports_are_numbers_for_both_protocols_or_port_slash_protocol(string? forbidden, string port, bool expected)
    {
        Assert.True(ExposureProbe.TryParseForbidden(forbidden, out var rule));
        Assert.True(ExposurePort.TryParse(port, out var parsed));
        Assert.Equal(expected, rule(parsed));
    }

    [Theory]
    [InlineData("22/sctp")]
    [InlineData("ssh")]
    [InlineData("70000")]
    public void Malformed_forbidden_lists_are_refused(string forbidden)
    {
        Assert.False(ExposureProbe.TryParseForbidden(forbidden, out _));
    }

    [Fact]
    public void Requested_ports_are_signed_only_when_present()
    {
        var withPorts = Request with { Ports = "default,8089/tcp" };
        var text = "fleetmonitor-exposure-scan-v1\nagent-7\n1800000000\n00112233445566778899aabbccddeeff\n10000-20000\n4\ndefault,8089/tcp";
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("secret-password-123"u8, Encoding.UTF8.GetBytes(text)));

        Assert.Equal(expected, ExposureScanProtocol.RequestMac("secret-password-123", withPorts));
        Assert.NotEqual(ExposureScanProtocol.RequestMac("secret-password-123", Request), ExposureScanProtocol.RequestMac("secret-password-123", withPorts));
    }

    [Theory]
    [InlineData("8089/tcp", "8089/tcp", false)]
    [InlineData(" DEFAULT , 8089/TCP,5080/udp", "default,8089/tcp,5080/udp", true)]
    [InlineData("default", "default", true)]
    public void Port_lists_are_read_into_one_canonical_text(string text, string canonical, bool withDefault)
    {
        var parsed = ExposureScanProtocol.ParsePorts(text);

        Assert.Null(parsed.Error);
        Assert.Equal(canonical, parsed.Canonical);
        Assert.Equal(withDefault, parsed.Default);
    }

    [Theory]
    [InlineData("8089")]
    [InlineData("8089/tcp,8089/tcp")]
    [InlineData("default,default")]
    [InlineData("")]
    [InlineData("70000/tcp")]
    public void Malformed_or_repeated_ports_are_refused(string text) =>
        Assert.NotNull(ExposureScanProtocol.ParsePorts(text).Error);

    [Fact]
    public void More_ports_than_the_protocol_allows_are_refused()
    {
        var ports = string.Join(',', Enumerable.Range(1000, ExposureScanProtocol.MaxRequestedPorts + 1).Select(p => $"{p}/tcp"));

        Assert.Contains($"at most {ExposureScanProtocol.MaxRequestedPorts}", ExposureScanProtocol.ParsePorts(ports).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_probe_refuses_an_rtp_sample_the_Reflector_would_refuse()
    {
        var observation = await new ExposureProbe().RunAsync(
            new ProbeRequest
            {
                Target = "http://127.0.0.1:1/",
                Parameters = new Dictionary<string, string>
                {
                    ["username"] = "agent-7", ["password"] = "pw", ["rtp_range"] = "10000-20000",
                    ["rtp_sample"] = $"{ExposureScanProtocol.MaxRtpSample + 1}",
                },
            },
            CancellationToken.None);

        Assert.Equal([FindingCodes.InvalidParameter], observation.Findings);
        Assert.Contains($"rtp_sample must be 1 to {ExposureScanProtocol.MaxRtpSample}", observation.Error, StringComparison.Ordinal);
    }
}
