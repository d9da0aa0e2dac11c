using FleetMonitor.Agent.Outbox;

namespace FleetMonitor.Agent.Tests.Support;

/// <summary>An outbox in a temporary file, deleted afterwards.</summary>
internal sealed class TempOutbox : IDisposable
{
    public TempOutbox() => Outbox = Open();

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fleetmonitor-outbox-{Guid.NewGuid():N}.db");

    public ResultOutbox Outbox { get; private set; }

    public ResultOutbox Reopen()
    {
        Outbox.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Outbox = Open();
        return Outbox;
    }

    public void Dispose()
    {
        Outbox.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Path + suffix);
        }
    }

    private ResultOutbox Open() => new(Path, TimeProvider.System);
}
