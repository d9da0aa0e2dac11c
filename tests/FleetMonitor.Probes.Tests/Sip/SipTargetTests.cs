using FleetMonitor.Protocols.Sip;

namespace FleetMonitor.Probes.Tests.Sip;

public sealed class SipTargetTests
{
    [Theory]
    [InlineData("pbx.example.com", "pbx.example.com", 5060, "pbx.example.com")]
    [InlineData("pbx.example.com:5080", "pbx.example.com", 5080, "pbx.example.com")]
    [InlineData("192.0.2.1", "192.0.2.1", 5060, "192.0.2.1")]
    [InlineData("192.0.2.1:5062", "192.0.2.1", 5062, "192.0.2.1")]
    [InlineData("[2001:db8::1]", "2001:db8::1", 5060, "[2001:db8::1]")]
    [InlineData("[2001:db8::1]:5070", "2001:db8::1", 5070, "[2001:db8::1]")]
    public void Host_with_or_without_port_parses(string text, string host, int port, string uriHost)
    {
        Assert.True(SipTarget.TryParse(text, 5060, out var target));
        Assert.Equal(host, target.Host);
        Assert.Equal(port, target.Port);
        Assert.Equal(uriHost, target.UriHost);
    }

    [Fact]
    public void Default_port_is_the_callers()
    {
        Assert.True(SipTarget.TryParse("pbx.example.com", 5061, out var target));
        Assert.Equal(5061, target.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pbx.example.com:")]
    [InlineData("pbx.example.com:0")]
    [InlineData("pbx.example.com:sip")]
    [InlineData("2001:db8::1")]
    [InlineData("[192.0.2.1]")]
    [InlineData("sip:pbx.example.com")]
    [InlineData("bad host")]
    public void Malformed_target_is_refused(string text)
    {
        Assert.False(SipTarget.TryParse(text, 5060, out _));
    }
}
