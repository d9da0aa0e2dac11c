using System.Text.RegularExpressions;
using FleetMonitor.Contracts;

namespace FleetMonitor.Ingestion.Results;

/// <summary>Checks what JSON deserialization cannot: versions, identifiers, ranges and finding codes.</summary>
public static partial class ProbeCompletedValidator
{
    private const int MaxIdLength = 128;
    private const int MaxTargetLength = 1024;
    private const int MaxFindings = 256;
    private const int MaxEntries = 256;

    public static IReadOnlyList<string> Validate(ProbeCompleted? message, DateTimeOffset now, IngestionOptions options)
    {
        if (message is null)
        {
            return ["message: the body is empty or JSON null"];
        }

        var errors = new List<string>();
        if (message.SchemaVersion != ProbeCompleted.CurrentSchemaVersion)
        {
            errors.Add($"schemaVersion: {message.SchemaVersion} is not supported (expected {ProbeCompleted.CurrentSchemaVersion})");
        }

        if (message.Id == Guid.Empty || message.Id.Version != 7)
        {
            errors.Add("id: must be a UUIDv7 made by the agent");
        }

        CheckId(errors, "agentId", message.AgentId);
        CheckId(errors, "siteId", message.SiteId);
        CheckId(errors, "probeId", message.ProbeId);
        CheckId(errors, "kind", message.Kind);
        if (message.ProbeVersion < 0)
        {
            errors.Add("probeVersion: must not be negative");
        }

        if (string.IsNullOrWhiteSpace(message.Target) || message.Target.Length > MaxTargetLength)
        {
            errors.Add($"target: required, at most {MaxTargetLength} characters");
        }

        if (message.StartedAt < now - options.MaxResultAge || message.StartedAt > now + options.MaxClockSkew)
        {
            errors.Add($"startedAt: {message.StartedAt:O} is outside the accepted window");
        }

        if (!double.IsFinite(message.DurationMs) || message.DurationMs < 0)
        {
            errors.Add("durationMs: must be a finite number >= 0");
        }

        if (!Enum.IsDefined(message.Outcome))
        {
            errors.Add("outcome: must be ok, degraded, failed or error");
        }

        if (message.Measurements is null || message.Measurements.Count > MaxEntries || message.Measurements.Values.Any(v => !double.IsFinite(v)))
        {
            errors.Add($"measurements: at most {MaxEntries} finite numbers");
        }

        if (message.Facts is null || message.Facts.Count > MaxEntries || message.Facts.Values.Any(v => v is null))
        {
            errors.Add($"facts: at most {MaxEntries} strings");
        }

        if (message.Findings is null || message.Findings.Count > MaxFindings)
        {
            errors.Add($"findings: at most {MaxFindings} codes");
        }
        else
        {
            foreach (var finding in message.Findings.Where(f => f is null || !FindingCode().IsMatch(f)))
            {
                errors.Add($"findings: '{finding}' is not a finding code (lower-case words separated by '.', e.g. tcp.refused)");
            }
        }

        return errors;
    }

    private static void CheckId(List<string> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxIdLength)
        {
            errors.Add($"{field}: required, at most {MaxIdLength} characters");
        }
    }

    [GeneratedRegex(@"^[a-z0-9_\-]+(\.[a-z0-9_\-/]+)*$")]
    private static partial Regex FindingCode();
}
