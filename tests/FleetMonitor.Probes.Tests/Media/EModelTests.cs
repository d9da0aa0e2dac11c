using FleetMonitor.Probes.Media;

namespace FleetMonitor.Probes.Tests.Media;

public sealed class EModelTests
{
    // DOMAIN.md's reference points (one-way ms, jitter ms, loss %) -> MOS with PLC / without, for G.711 with 20 ms
    // packets and random loss (BurstR = 1). They come out only when Ta includes the 20 ms packetisation delay:
    // Ta = 50 + 2 x 10 + 20 = 90 ms and Ta = 150 + 2 x 30 + 20 = 230 ms.
    [Theory]
    [InlineData(50, 10, 1, true, 4.27)]
    [InlineData(50, 10, 1, false, 3.74)]
    [InlineData(150, 30, 5, true, 3.41)]
    [InlineData(150, 30, 5, false, 1.64)]
    public void Reproduces_the_reference_points(double oneWayMs, double jitterMs, double lossPercent, bool plc, double expectedMos)
    {
        var r = EModel.RFactor(oneWayMs, jitterMs, packetisationMs: 20, lossPercent, burstRatio: 1, plc);

        Assert.Equal(expectedMos, Math.Round(EModel.Mos(r), 2));
    }

    [Fact]
    public void Reference_point_without_packetisation_does_not_come_out_which_is_why_Ta_includes_it()
    {
        // Ta = 150 + 60 = 210 ms: Id = 8.64, R = 68.8, MOS 3.54 instead of DOMAIN.md's 3.41.
        var r = EModel.RFactor(150, 30, packetisationMs: 0, lossPercent: 5, burstRatio: 1, concealment: true);

        Assert.Equal(3.54, Math.Round(EModel.Mos(r), 2));
    }

    [Fact]
    public void Reference_point_intermediate_values()
    {
        Assert.Equal(90, EModel.AbsoluteDelayMs(50, 10, 20));
        Assert.Equal(2.16, EModel.DelayImpairment(90), 10);
        Assert.Equal(11.317, EModel.DelayImpairment(230), 3);
        Assert.Equal(95.0 / 26.1, EModel.EffectiveEquipmentImpairment(1, 1, concealment: true), 10);
        Assert.Equal(95.0 * 5 / 9.3, EModel.EffectiveEquipmentImpairment(5, 1, concealment: false), 10);
    }

    [Fact]
    public void Delay_impairment_is_continuous_and_steeper_beyond_177_3_ms()
    {
        Assert.Equal(0.024 * 177.3, EModel.DelayImpairment(177.3), 10);
        Assert.Equal(0.024 * 277.3 + 11, EModel.DelayImpairment(277.3), 10);
        Assert.True(EModel.DelayImpairment(200) - EModel.DelayImpairment(190) > EModel.DelayImpairment(170) - EModel.DelayImpairment(160));
    }

    [Fact]
    public void Perfect_path_scores_the_G711_ceiling()
    {
        var r = EModel.RFactor(0, 0, 0, 0, 1, concealment: false);

        Assert.Equal(93.2, r, 10);
        Assert.Equal(4.41, Math.Round(EModel.Mos(r), 2));
    }

    [Fact]
    public void Bursty_loss_hurts_more_than_random_loss()
    {
        var random = EModel.RFactor(20, 2, 20, 3, burstRatio: 1, concealment: true);
        var bursty = EModel.RFactor(20, 2, 20, 3, burstRatio: 3, concealment: true);

        Assert.True(bursty < random, $"R {bursty} with BurstR 3 should be below {random} with random loss");
    }

    [Fact]
    public void Concealment_helps()
    {
        Assert.True(EModel.RFactor(20, 2, 20, 2, 1, concealment: true) > EModel.RFactor(20, 2, 20, 2, 1, concealment: false));
    }

    [Theory]
    [InlineData(-20, 1)]
    [InlineData(0, 1)]
    [InlineData(6.5, 1)] // the polynomial dips just below 1 here
    [InlineData(100, 4.5)]
    [InlineData(130, 4.5)]
    public void Mos_is_clamped_to_1_and_4_5(double r, double expected)
    {
        Assert.Equal(expected, EModel.Mos(r), 10);
    }

    [Fact]
    public void Mos_rises_with_R()
    {
        var previous = EModel.Mos(0);
        for (var r = 1; r <= 100; r++)
        {
            var mos = EModel.Mos(r);
            Assert.True(mos >= previous, $"MOS({r}) = {mos} fell below MOS({r - 1}) = {previous}");
            previous = mos;
        }
    }

    [Fact]
    public void Impossible_inputs_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EModel.RFactor(-1, 0, 20, 0, 1, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => EModel.RFactor(0, 0, 20, 101, 1, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => EModel.RFactor(0, 0, 20, 1, 0, true));
    }
}
