namespace FleetMonitor.Agent.Outbox;

/// <summary>The outbox's file system is full: the message was not stored, and nothing stored before was harmed.</summary>
public sealed class OutboxFullException(string path, Exception inner)
    : IOException($"The disk holding the outbox '{path}' is full: the message was not stored. Free space there; stored messages are intact.", inner)
{
    public string OutboxPath { get; } = path;
}
