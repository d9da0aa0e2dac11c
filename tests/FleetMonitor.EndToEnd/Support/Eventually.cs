namespace FleetMonitor.EndToEnd.Support;

/// <summary>Polls a condition with a bounded number of tries; the last observed value goes into the failure message.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within, string what, Func<Task<string>>? diagnose = null)
    {
        var deadline = TimeSpan.FromMilliseconds(Environment.TickCount64) + within;
        T value;
        do
        {
            value = await read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(250);
        }
        while (TimeSpan.FromMilliseconds(Environment.TickCount64) < deadline);

        var diagnosis = diagnose is null ? "" : Environment.NewLine + await diagnose();
        throw new TimeoutException($"{what} did not happen within {within}; last value: {value}{diagnosis}");
    }
}
