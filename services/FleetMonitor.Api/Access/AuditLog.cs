using System.Security.Claims;
using System.Text.Json;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Access;

/// <summary>Records an operator's or admin's change: who made it, what, on which thing, and the thing before and after as JSON.</summary>
public sealed class AuditLog(AuditStore store)
{
    /// <summary>
    /// Appends an entry for the change <c>action</c> ("site.create", "token.revoke") on <c>target</c> ("site:home-alice")
    /// made by <c>user</c>; <c>before</c> is null for a creation, <c>after</c> null for a deletion; neither holds a secret.
    /// </summary>
    public Task RecordAsync(ClaimsPrincipal user, string action, string target, object? before, object? after, CancellationToken cancellationToken) =>
        store.AppendAsync(
            user.Identity?.Name ?? throw new InvalidOperationException("An audited change needs a signed-in user."),
            action,
            target,
            before is null ? null : JsonSerializer.Serialize(before, JsonSerializerOptions.Web),
            after is null ? null : JsonSerializer.Serialize(after, JsonSerializerOptions.Web),
            cancellationToken);
}
