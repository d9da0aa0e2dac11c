namespace FleetMonitor.Agent.Publishing;

/// <summary>
/// The broker refused the message itself (access refused, returned as unroutable), as opposed to being unreachable:
/// sending it again unchanged is likely to be refused again.
/// </summary>
public sealed class PublishRefusedException(string message, Exception? inner = null) : Exception(message, inner);
