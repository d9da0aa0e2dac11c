using System.Net;
using FleetMonitor.Protocols.SipAlg;

namespace FleetMonitor.Probes.Tests.SipAlg;

public sealed class SipAlgVerdictTests
{
    [Fact]
    public void Verdict_round_trips_and_hides_the_source_address()
    {
        var verdict = new SipAlgVerdict([SipAlgField.Via, SipAlgField.Contact, SipAlgField.SdpConnection], IPEndPoint.Parse("203.0.113.1:40000"));

        var text = verdict.Format();

        Assert.StartsWith("via,contact,sdp_c;source=", text, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.1", text, StringComparison.Ordinal);
        Assert.True(SipAlgVerdict.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(verdict.Rewritten, parsed.Rewritten);
        Assert.Equal(verdict.Source, parsed.Source);
    }

    [Fact]
    public void None_and_IPv6_sources_round_trip()
    {
        var verdict = new SipAlgVerdict([], IPEndPoint.Parse("[2001:db8::7]:5062"));

        var text = verdict.Format();

        Assert.StartsWith("none;source=", text, StringComparison.Ordinal);
        Assert.True(SipAlgVerdict.TryParse(text, out var parsed, out _));
        Assert.Empty(parsed.Rewritten);
        Assert.Equal(verdict.Source, parsed.Source);
    }

    [Fact]
    public void Fields_a_newer_mirror_compares_are_kept_and_other_parameters_ignored()
    {
        var source = new SipAlgVerdict([], IPEndPoint.Parse("198.51.100.9:1234")).Format().Split(';')[1];

        Assert.True(SipAlgVerdict.TryParse($"via, call_id ;future=1;{source}", out var parsed, out var error), error);
        Assert.Equal(["via", "call_id"], parsed.Rewritten);
        Assert.Equal(IPEndPoint.Parse("198.51.100.9:1234"), parsed.Source);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("none")]
    [InlineData("none;other=1")]
    [InlineData("none;source=")]
    [InlineData("none;source=MTAuMC4wLjI=")]
    [InlineData("none;source=bm90IGFuIGFkZHJlc3M")]
    [InlineData("none;source=MTAuMC4wLjI6MA")]
    [InlineData("Via;source=MTAuMC4wLjI6NTA2MA")]
    [InlineData("via,via;source=MTAuMC4wLjI6NTA2MA")]
    [InlineData("via,,contact;source=MTAuMC4wLjI6NTA2MA")]
    public void Malformed_verdicts_are_refused(string? value)
    {
        Assert.False(SipAlgVerdict.TryParse(value, out var verdict, out var error));
        Assert.Null(verdict);
        Assert.False(string.IsNullOrEmpty(error));
    }
}
