using MassTransit;

namespace FleetMonitor.Ingestion;

/// <summary>
/// Refuses a message body larger than <see cref="AgentDataRules.MaxMessageBytes"/>. The broker refuses larger ones first
/// (max_message_size); this holds when it is not set so (a broker Ingestion does not configure).
/// </summary>
internal static class MessageSize
{
    public static void Check(ConsumeContext context)
    {
        var length = context.ReceiveContext.Body.Length;
        if (length > AgentDataRules.MaxMessageBytes)
        {
            throw new InvalidMessageException($"message: {length} bytes is more than the {AgentDataRules.MaxMessageBytes} allowed");
        }
    }
}
