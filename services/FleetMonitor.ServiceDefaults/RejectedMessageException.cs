namespace FleetMonitor.ServiceDefaults;

/// <summary>
/// A message refused for what it holds (invalid, unreadable, sent in another's name): it goes to the error queue without
/// retries, and the log line MassTransit writes for it says which message and why. Where in the consumer the refusal was
/// thrown tells an operator nothing, so it carries no stack trace: a flood of bad messages is a line each, not a page
/// each.
/// </summary>
public abstract class RejectedMessageException : Exception
{
    protected RejectedMessageException()
    {
    }

    protected RejectedMessageException(string message)
        : base(message)
    {
    }

    protected RejectedMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public override string? StackTrace => null;
}
