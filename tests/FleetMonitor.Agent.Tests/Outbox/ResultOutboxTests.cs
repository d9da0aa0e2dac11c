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
}
