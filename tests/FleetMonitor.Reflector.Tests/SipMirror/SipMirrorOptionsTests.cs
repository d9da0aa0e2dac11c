using System.ComponentModel.DataAnnotations;
using System.Net;
using FleetMonitor.Reflector.SipMirror;

namespace FleetMonitor.Reflector.Tests.SipMirror;

public sealed class SipMirrorOptionsTests
{
    [Theory]
    [InlineData("0.0.0.0", "0.0.0.0:5060")]
    [InlineData("203.0.113.2:5070", "203.0.113.2:5070")]
    [InlineData("[::]", "[::]:5060")]
    [InlineData("[2001:db8::1]:0", "[2001:db8::1]:0")]
    public void Endpoints_take_port_5060_unless_they_name_one(string text, string expected)
    {
        Assert.True(SipMirrorOptions.TryParseEndpoint(text, out var endpoint));
        Assert.Equal(IPEndPoint.Parse(expected), endpoint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("::1")]
    [InlineData("[127.0.0.1]")]
    [InlineData("1.2.3.4:99999")]
    public void Other_endpoints_are_refused(string text)
    {
        Assert.False(SipMirrorOptions.TryParseEndpoint(text, out _));
    }

    [Fact]
    public void No_endpoints_is_valid_and_means_off()
    {
        var options = new SipMirrorOptions();

        Assert.Empty(options.Validate(new ValidationContext(options)));
        Assert.Empty(options.ParsedEndpoints());
    }

    [Fact]
    public void Invalid_and_repeated_endpoints_are_named()
    {
        var options = new SipMirrorOptions { Endpoints = { "0.0.0.0", "0.0.0.0:5060", "nonsense" } };

        var errors = options.Validate(new ValidationContext(options)).Select(e => e.ErrorMessage).ToArray();

        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, e => e!.Contains("'0.0.0.0:5060' is listed twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("'nonsense'", StringComparison.Ordinal));
    }
}
