namespace FleetMonitor.Probes.Media;

/// <summary>
/// The reduced ITU-T G.107 E-model for a G.711 call: R from delay, jitter and packet loss, and the MOS that R predicts.
/// </summary>
/// <remarks>
/// R = 93.2 - Id - Ie,eff, with the default simultaneous and advantage impairments (Is = 0, A = 0).
/// <list type="bullet">
/// <item>Ta = one-way delay + 2 x jitter + packetisation (the jitter buffer holds about two jitters, and a packet
/// waits one packet interval to be filled). Packetisation is part of Ta: DOMAIN.md's reference points only come out
/// with it (without the 20 ms, (150 ms, 30 ms, 5 %) with PLC gives 3.54, not 3.41).</item>
/// <item>Id = 0.024 Ta, plus 0.11 (Ta - 177.3) when Ta &gt; 177.3 ms.</item>
/// <item>Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl), Ppl in percent; G.711: Ie = 0, Bpl = 25.1 with packet
/// loss concealment (G.711 Appendix I), 4.3 without.</item>
/// <item>MOS = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R), clamped to 1..4.5.</item>
/// </list>
/// </remarks>
internal static class EModel
{
    /// <summary>The basic signal-to-noise ratio R0 - Is with G.107's default values.</summary>
    public const double BaseR = 93.2;

    /// <summary>G.711's equipment impairment factor.</summary>
    public const double G711Ie = 0;

    /// <summary>G.711's packet-loss robustness factor with packet loss concealment.</summary>
    public const double G711BplWithPlc = 25.1;

    /// <summary>G.711's packet-loss robustness factor without packet loss concealment.</summary>
    public const double G711BplWithoutPlc = 4.3;

    /// <summary>The absolute delay Ta in milliseconds that the delay impairment sees.</summary>
    public static double AbsoluteDelayMs(double oneWayDelayMs, double jitterMs, double packetisationMs) =>
        oneWayDelayMs + (2 * jitterMs) + packetisationMs;

    /// <summary>The delay impairment Id for an absolute delay <paramref name="absoluteDelayMs"/> (Ta).</summary>
    public static double DelayImpairment(double absoluteDelayMs) =>
        absoluteDelayMs > 177.3
            ? (0.024 * absoluteDelayMs) + (0.11 * (absoluteDelayMs - 177.3))
            : 0.024 * absoluteDelayMs;

    /// <summary>The effective equipment impairment Ie,eff of G.711 at <paramref name="lossPercent"/> (Ppl, 0..100).</summary>
    /// <param name="lossPercent">Packet loss in percent.</param>
    /// <param name="burstRatio">BurstR: 1 for random loss, above 1 when losses come in bursts.</param>
    /// <param name="concealment">Whether the receiver conceals lost packets (PLC).</param>
    public static double EffectiveEquipmentImpairment(double lossPercent, double burstRatio, bool concealment)
    {
        if (lossPercent <= 0)
            return G711Ie;
        var bpl = concealment ? G711BplWithPlc : G711BplWithoutPlc;
        return G711Ie + ((95 - G711Ie) * lossPercent / ((lossPercent / burstRatio) + bpl));
    }

    /// <summary>The transmission rating factor R of a G.711 call.</summary>
    public static double RFactor(
        double oneWayDelayMs, double jitterMs, double packetisationMs, double lossPercent, double burstRatio, bool concealment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oneWayDelayMs);
        ArgumentOutOfRangeException.ThrowIfNegative(jitterMs);
        ArgumentOutOfRangeException.ThrowIfNegative(packetisationMs);
        ArgumentOutOfRangeException.ThrowIfNegative(lossPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lossPercent, 100);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burstRatio);

        var ta = AbsoluteDelayMs(oneWayDelayMs, jitterMs, packetisationMs);
        return BaseR - DelayImpairment(ta) - EffectiveEquipmentImpairment(lossPercent, burstRatio, concealment);
    }

    /// <summary>The mean opinion score (1..4.5) that <paramref name="r"/> predicts.</summary>
    public static double Mos(double r)
    {
        if (r <= 0)
            return 1;
        if (r >= 100)
            return 4.5;
        var mos = 1 + (0.035 * r) + (7e-6 * r * (r - 60) * (100 - r));
        return Math.Clamp(mos, 1, 4.5);
    }
}
