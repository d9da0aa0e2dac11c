namespace FleetMonitor.Agent.Scheduling;

/// <summary>The site schedule version the agent runs and why the last one given could not be applied; read by the heartbeat.</summary>
public sealed class ScheduleStatus
{
    private readonly Lock _lock = new();
    private long? _appliedVersion;
    private string? _error;

    public long? AppliedVersion
    {
        get
        {
            lock (_lock)
            {
                return _appliedVersion;
            }
        }
    }

    public string? Error
    {
        get
        {
            lock (_lock)
            {
                return _error;
            }
        }
    }

    public void Applied(long version)
    {
        lock (_lock)
        {
            _appliedVersion = version;
            _error = null;
        }
    }

    public void Failed(long version, string error)
    {
        lock (_lock)
        {
            _error = $"version {version}: {error}";
        }
    }
}
