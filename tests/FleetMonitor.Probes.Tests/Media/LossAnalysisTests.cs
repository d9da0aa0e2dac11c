using FleetMonitor.Probes.Media;

namespace FleetMonitor.Probes.Tests.Media;

public sealed class LossAnalysisTests
{
    [Fact]
    public void Nothing_lost()
    {
        var loss = LossAnalysis.FromSequences(5, [0, 1, 2, 3, 4]);

        Assert.Equal(5, loss.Received);
        Assert.Equal(0, loss.Lost);
        Assert.Equal(0, loss.LossRatio);
        Assert.Equal(0, loss.MaxBurst);
        Assert.Equal(0, loss.Bursts);
        Assert.Equal(1, loss.BurstRatio);
    }

    [Fact]
    public void Everything_lost()
    {
        var loss = LossAnalysis.FromSequences(4, []);

        Assert.Equal(4, loss.Lost);
        Assert.Equal(1, loss.LossRatio);
        Assert.Equal(4, loss.MaxBurst);
        Assert.Equal(1, loss.Bursts);
        Assert.Equal(1, loss.BurstRatio);
    }

    [Fact]
    public void Order_duplicates_and_unknown_sequence_numbers_do_not_count_as_received()
    {
        var loss = LossAnalysis.FromSequences(6, [5, 0, 2, 2, 0, 99, -1, 3]);

        Assert.Equal(4, loss.Received);
        Assert.Equal(2, loss.Lost); // 1 and 4
        Assert.Equal(2, loss.Duplicates);
        Assert.Equal(2, loss.Bursts);
        Assert.Equal(1, loss.MaxBurst);
        Assert.Equal(2.0 / 6, loss.LossRatio, 12);
    }

    [Fact]
    public void Bursts_are_runs_of_consecutive_losses()
    {
        // R L L R L L L R R L
        var loss = LossAnalysis.FromPattern(Pattern("RLLRLLLRRL"));

        Assert.Equal(6, loss.Lost);
        Assert.Equal(3, loss.Bursts);
        Assert.Equal(3, loss.MaxBurst);
    }

    [Fact]
    public void Burst_ratio_is_1_when_loss_looks_random()
    {
        // "RRLL" repeated: after a received packet the next is lost half the time (p = 0.5), after a lost one the next
        // is received half the time (q = 0.5): what independent 50 % loss looks like, so BurstR = 1 / (p + q) = 1.
        // Over "RRLL" x 4 + "R" the transitions are R->R 4, R->L 4, L->L 4, L->R 4.
        var loss = LossAnalysis.FromPattern(Pattern(string.Concat(Enumerable.Repeat("RRLL", 4)) + "R"));

        Assert.Equal(1, loss.BurstRatio, 12);
    }

    [Fact]
    public void Burst_ratio_is_large_when_losses_cluster()
    {
        // 20 received, 5 lost in one burst, 20 received: p = 1/39 (R->L once out of 39 from R, counting the second
        // run's 19 R->R and the first run's 19 R->R and the R->L), q = 1/5.
        var loss = LossAnalysis.FromPattern(Pattern(new string('R', 20) + new string('L', 5) + new string('R', 20)));

        Assert.Equal(1 / ((1.0 / 39) + (1.0 / 5)), loss.BurstRatio, 12);
        Assert.True(loss.BurstRatio > 4);
        Assert.Equal(5, loss.MaxBurst);
    }

    [Fact]
    public void Isolated_losses_are_smoother_than_random()
    {
        // Every 10th packet lost and never two in a row: q = 1, so BurstR = 1 / (1 + p) < 1.
        var loss = LossAnalysis.FromPattern(Pattern(string.Concat(Enumerable.Repeat("LRRRRRRRRR", 10))));

        Assert.True(loss.BurstRatio < 1);
        Assert.Equal(0.1, loss.LossRatio, 12);
        Assert.Equal(1, loss.MaxBurst);
        Assert.Equal(10, loss.Bursts);
    }

    [Fact]
    public void Nothing_sent()
    {
        var loss = LossAnalysis.FromSequences(0, []);

        Assert.Equal(0, loss.LossRatio);
        Assert.Equal(1, loss.BurstRatio);
    }

    private static bool[] Pattern(string text) => [.. text.Select(c => c == 'R')];
}
