using System.Text.Json;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Access;

/// <summary>One audit entry, with before and after as JSON rather than the text they are stored in.</summary>
public sealed record AuditEntryResponse(long Id, DateTimeOffset At, string Actor, string Action, string Target, JsonElement? Before, JsonElement? After)
{
    public static AuditEntryResponse From(AuditEntryRow row) => new(
        row.Id, row.At, row.Actor, row.Action, row.Target,
        row.Before is null ? null : JsonElement.Parse(row.Before),
        row.After is null ? null : JsonElement.Parse(row.After));
}
