using FleetMonitor.ServiceDefaults;

namespace FleetMonitor.Ingestion.Identity;

/// <summary>A message whose body speaks for another agent or site than its enrolled sender: to the error queue, never retried.</summary>
public sealed class ImpersonationException : RejectedMessageException
{
    public ImpersonationException()
    {
    }

    public ImpersonationException(string message)
        : base(message)
    {
    }

    public ImpersonationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
