using FleetMonitor.Probes.Http;

namespace FleetMonitor.Probes.Tests.Http;

public sealed class StatusExpectationTests
{
    [Theory]
    [InlineData("200", 200, true)]
    [InlineData("200", 204, false)]
    [InlineData("2xx", 204, true)]
    [InlineData("2XX,401", 401, true)]
    [InlineData("2xx,401", 403, false)]
    [InlineData("200-399", 302, true)]
    [InlineData("200-399", 404, false)]
    [InlineData(" 204 , 5xx ", 503, true)]
    public void Matches_codes_classes_and_ranges(string text, int status, bool matches)
    {
        Assert.True(StatusExpectation.TryParse(text, out var expectation));
        Assert.Equal(matches, expectation.Matches(status));
    }

    [Fact]
    public void Default_is_any_2xx()
    {
        Assert.True(StatusExpectation.Default.Matches(200));
        Assert.True(StatusExpectation.Default.Matches(299));
        Assert.False(StatusExpectation.Default.Matches(301));
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData("ok")]
    [InlineData("6xx")]
    [InlineData("99")]
    [InlineData("399-200")]
    [InlineData("2xx;4xx")]
    public void Rejects_what_is_not_a_status_list(string text)
    {
        Assert.False(StatusExpectation.TryParse(text, out _));
    }
}
