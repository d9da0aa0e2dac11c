using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Tests.Support;

namespace FleetMonitor.Agent.Tests.Outbox;

public sealed class ResultOutboxTests
{
    [Fact]
    public async Task Messages_come_out_in_order_and_survive_a_restart_until_deleted()
    {
        using var temp = new TempOutbox();
        for (var i = 0; i < 5; i++)
        {
            await temp.Outbox.EnqueueAsync($"result.site.tcp", $"id-{i}", "ProbeCompleted", new byte[] { (byte)i }, CancellationToken.None);
        }

        var first = await temp.Outbox.PeekAsync(3, CancellationToken.None);
        Assert.Equal(["id-0", "id-1", "id-2"], first.Select(m => m.MessageId));
        await temp.Outbox.DeleteAsync(first.Select(m => m.Sequence), CancellationToken.None);

        var reopened = temp.Reopen();
        var rest = await reopened.PeekAsync(10, CancellationToken.None);
        Assert.Equal(["id-3", "id-4"], rest.Select(m => m.MessageId));
        Assert.Equal([(byte)3], rest[0].Body.ToArray());
        Assert.Equal("result.site.tcp", rest[0].RoutingKey);
        Assert.Equal(2, await reopened.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Beyond_the_cap_the_oldest_are_evicted_and_counted()
    {
        using var folder = new TempDirectory();
        using var outbox = new ResultOutbox(folder.File("outbox.db"), TimeProvider.System, maxMessages: 100);
        for (var i = 0; i < 130; i++)
        {
            await outbox.EnqueueAsync("result.site.tcp", $"id-{i}", "ProbeCompleted", new byte[] { 1 }, CancellationToken.None);
        }

        var kept = await outbox.PeekAsync(1000, CancellationToken.None);
        var status = await outbox.StatusAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(30, 100).Select(i => $"id-{i}"), kept.Select(m => m.MessageId));
        Assert.Equal((100L, 30L), (status.Depth, status.EvictedTotal));
        Assert.Equal(100, outbox.Depth);
    }

    [Fact]
    public async Task A_dead_letter_leaves_the_queue_keeps_its_body_and_is_counted()
    {
        using var folder = new TempDirectory();
        using var outbox = new ResultOutbox(folder.File("outbox.db"), TimeProvider.System, maxDeadLetters: 2);
        for (var i = 0; i < 4; i++)
        {
            await outbox.EnqueueAsync("result.site.tcp", $"id-{i}", "ProbeCompleted", new byte[] { (byte)i }, CancellationToken.None);
        }

        foreach (var message in (await outbox.PeekAsync(3, CancellationToken.None)).ToList())
        {
            await outbox.DeadLetterAsync(message, $"refused {message.MessageId}", CancellationToken.None);
        }

        var dead = await outbox.DeadLettersAsync(10, CancellationToken.None);
        var status = await outbox.StatusAsync(CancellationToken.None);
        Assert.Equal(["id-1", "id-2"], dead.Select(d => d.Message.MessageId));
        Assert.Equal([(byte)2], dead[1].Message.Body.ToArray());
        Assert.Equal("refused id-2", dead[1].Reason);
        Assert.Equal((1L, 2L, 3L), (status.Depth, status.DeadLetters, status.DeadLetteredTotal));
        Assert.Equal(["id-3"], (await outbox.PeekAsync(10, CancellationToken.None)).Select(m => m.MessageId));
    }
}
