namespace FleetMonitor.Api.Access;

/// <summary>A page of audit entries, newest first; <see cref="Next"/> is the <c>before</c> of the next page, absent on the last.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Items, long? Next);
