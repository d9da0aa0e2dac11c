using FleetMonitor.Probes.Nat;

namespace FleetMonitor.Probes.Tests.Nat;

public sealed class NatProbeSettingsTests
{
    [Fact]
    public void Defaults()
    {
        var (settings, error) = NatProbeSettings.Parse(new Dictionary<string, string>());

        Assert.Null(error);
        Assert.NotNull(settings);
        Assert.Null(settings.Username);
        Assert.Equal(TimeSpan.FromSeconds(120), settings.MaxLifetime);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Keepalive);
        Assert.Equal(RetransmissionSchedule.Default, settings.Schedule);
    }

    [Fact]
    public void All_parameters()
    {
        var (settings, _) = NatProbeSettings.Parse(new Dictionary<string, string>
        {
            ["username"] = "agent-7",
            ["password"] = "correct horse battery",
            ["max_lifetime_s"] = "0",
            ["keepalive_s"] = "15",
            ["rto_ms"] = "250",
            ["rc"] = "4",
            ["rm"] = "8",
        });

        Assert.NotNull(settings);
        Assert.Equal(("agent-7", "correct horse battery"), (settings.Username, settings.Password));
        Assert.Equal(TimeSpan.Zero, settings.MaxLifetime);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.Keepalive);
        Assert.Equal(new RetransmissionSchedule(TimeSpan.FromMilliseconds(250), 4, 8), settings.Schedule);
    }

    [Theory]
    [InlineData("username", "agent-7", "username and password")]
    [InlineData("password", "secret-secret", "username and password")]
    [InlineData("max_lifetime_s", "3601", "max_lifetime_s")]
    [InlineData("keepalive_s", "0", "keepalive_s")]
    [InlineData("rc", "8", "rc")]
    [InlineData("rm", "-1", "rm")]
    [InlineData("rto_ms", "fast", "rto_ms")]
    public void Invalid_parameters_are_named(string name, string value, string named)
    {
        var (settings, error) = NatProbeSettings.Parse(new Dictionary<string, string> { [name] = value });

        Assert.Null(settings);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_outside_printable_ascii_is_refused()
    {
        var (settings, error) = NatProbeSettings.Parse(new Dictionary<string, string> { ["username"] = "a", ["password"] = "pässword" });

        Assert.Null(settings);
        Assert.Contains("ASCII", error, StringComparison.Ordinal);
    }
}
