namespace FleetMonitor.Storage;

/// <summary>A template would take over a definition id the site already uses for another definition.</summary>
public sealed class DefinitionConflictException : Exception
{
    public DefinitionConflictException()
    {
    }

    public DefinitionConflictException(string message)
        : base(message)
    {
    }

    public DefinitionConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DefinitionConflictException(string definitionId, string? ownerTemplateId)
        : base(ownerTemplateId is null
            ? $"The site already has a definition '{definitionId}' edited by hand."
            : $"The site already has a definition '{definitionId}' made from template '{ownerTemplateId}'.")
    {
        DefinitionId = definitionId;
    }

    public string? DefinitionId { get; }
}
