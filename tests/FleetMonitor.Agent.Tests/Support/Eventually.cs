namespace FleetMonitor.Agent.Tests.Support;

/// <summary>Polls a condition with a generous bound, for tests against real processes and brokers.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan bound, string? what = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + bound;
        while (!await condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"not true within {bound}: {what ?? "condition"}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
