namespace FleetMonitor.Ingestion;

/// <summary>The database could not be written for a passing reason (down, failing over, deadlock): retry, never park.</summary>
public sealed class TransientStorageException : Exception
{
    public TransientStorageException()
    {
    }

    public TransientStorageException(string message)
        : base(message)
    {
    }

    public TransientStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
