using FleetMonitor.Probes.Media;

namespace FleetMonitor.Probes.Tests.Media;

public sealed class MediaStreamSettingsTests
{
    [Fact]
    public void Defaults_are_five_seconds_of_G711()
    {
        var (settings, error) = MediaStreamSettings.Parse(new Dictionary<string, string>());

        Assert.Null(error);
        Assert.NotNull(settings);
        Assert.Equal(172, settings.PacketBytes);
        Assert.Equal(20, settings.IntervalMs);
        Assert.Equal(250, settings.Count);
        Assert.Null(settings.LocalPorts);
        Assert.Equal(1, settings.MaxLossPercent);
        Assert.Equal(30, settings.MaxJitterMs);
        Assert.Equal(3.6, settings.MinMos);
    }

    [Fact]
    public void Every_parameter_is_read()
    {
        var (settings, error) = MediaStreamSettings.Parse(new Dictionary<string, string>
        {
            ["packet_bytes"] = "92",
            ["interval_ms"] = "10",
            ["count"] = "1000",
            ["local_ports"] = "16384-16484",
            ["max_loss_percent"] = "2.5",
            ["max_jitter_ms"] = "40",
            ["min_mos"] = "4",
        });

        Assert.Null(error);
        Assert.Equal(
            new MediaStreamSettings
            {
                PacketBytes = 92, IntervalMs = 10, Count = 1000, LocalPorts = new PortRange(16384, 16484),
                MaxLossPercent = 2.5, MaxJitterMs = 40, MinMos = 4,
            },
            settings);
    }

    [Theory]
    [InlineData("packet_bytes", "23")]
    [InlineData("packet_bytes", "1201")]
    [InlineData("interval_ms", "0")]
    [InlineData("interval_ms", "1001")]
    [InlineData("count", "0")]
    [InlineData("count", "10001")]
    [InlineData("count", "-5")]
    [InlineData("count", "many")]
    [InlineData("local_ports", "16484-16384")]
    [InlineData("local_ports", "rtp")]
    [InlineData("max_loss_percent", "101")]
    [InlineData("max_loss_percent", "-1")]
    [InlineData("max_jitter_ms", "NaN")]
    [InlineData("min_mos", "5")]
    [InlineData("min_mos", "0.5")]
    public void Unusable_value_is_reported(string name, string value)
    {
        var (settings, error) = MediaStreamSettings.Parse(new Dictionary<string, string> { [name] = value });

        Assert.Null(settings);
        Assert.Contains(name, error, StringComparison.Ordinal);
    }
}
