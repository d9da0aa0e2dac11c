using FleetMonitor.ServiceDefaults;

namespace FleetMonitor.Ingestion;

/// <summary>A message that can never be processed: it goes to the error queue without retries.</summary>
public sealed class InvalidMessageException : RejectedMessageException
{
    public InvalidMessageException()
    {
    }

    public InvalidMessageException(string message)
        : base(message)
    {
    }

    public InvalidMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
