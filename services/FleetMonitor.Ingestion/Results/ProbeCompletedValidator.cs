using System.Text.RegularExpressions;
using FleetMonitor.Contracts;

namespace FleetMonitor.Ingestion.Results;

/// <summary>Checks what JSON deserialization cannot: versions, identifiers, lengths, counts, ranges and finding codes.</summary>
public static partial class ProbeCompletedValidator
{
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

        Add(errors, AgentDataRules.AgentIdError(message.AgentId));
        Add(errors, AgentDataRules.SiteIdError(message.SiteId));
        Add(errors, AgentDataRules.ProbeIdError(message.ProbeId));
        Add(errors, AgentDataRules.KindError(message.Kind));
        if (message.ProbeVersion < 0)
        {
            errors.Add("probeVersion: must not be negative");
        }

        if (string.IsNullOrWhiteSpace(message.Target) || message.Target.Length > AgentDataRules.MaxTargetLength)
        {
            errors.Add($"target: required, at most {AgentDataRules.MaxTargetLength} characters");
        }

        Add(errors, AgentDataRules.TextError("target", message.Target));
        if (message.StartedAt < now - options.MaxResultAge || message.StartedAt > now + options.MaxClockSkew)
        {
            errors.Add($"startedAt: {message.StartedAt:O} is outside the accepted window");
        }

        if (!double.IsFinite(message.DurationMs) || message.DurationMs < 0 || message.DurationMs > TimeSpan.FromDays(1).TotalMilliseconds)
        {
            errors.Add("durationMs: must be a finite number from 0 to one day");
        }

        if (!Enum.IsDefined(message.Outcome))
        {
            errors.Add("outcome: must be ok, degraded, failed or error");
        }

        if (message.Error is { Length: > AgentDataRules.MaxErrorLength })
        {
            errors.Add($"error: at most {AgentDataRules.MaxErrorLength} characters");
        }

        Add(errors, AgentDataRules.TextError("error", message.Error));
        if (message.Measurements is null || message.Measurements.Count > AgentDataRules.MaxEntries
            || message.Measurements.Any(m => !KeyIsValid(m.Key) || !double.IsFinite(m.Value)))
        {
            errors.Add($"measurements: at most {AgentDataRules.MaxEntries} finite numbers, keys of 1 to {AgentDataRules.MaxKeyLength} of a-z 0-9 _ . -");
        }

        if (message.Facts is null || message.Facts.Count > AgentDataRules.MaxEntries
            || message.Facts.Any(f => !KeyIsValid(f.Key) || f.Value is null || f.Value.Length > AgentDataRules.MaxFactValueLength))
        {
            errors.Add($"facts: at most {AgentDataRules.MaxEntries} strings of at most {AgentDataRules.MaxFactValueLength} characters, keys of 1 to {AgentDataRules.MaxKeyLength} of a-z 0-9 _ . -");
        }

        if (message.Facts is not null && message.Facts.Values.Select(v => AgentDataRules.TextError("facts", v)).FirstOrDefault(e => e is not null) is { } factError)
        {
            errors.Add(factError);
        }

        if (message.Findings is null || message.Findings.Count > AgentDataRules.MaxFindings)
        {
            errors.Add($"findings: at most {AgentDataRules.MaxFindings} codes");
        }
        else
        {
            foreach (var finding in message.Findings.Where(f => f is null || f.Length > AgentDataRules.MaxFindingLength || !FindingCode().IsMatch(f)).Take(5))
            {
                var shown = finding is null ? "null" : finding[..Math.Min(finding.Length, 40)];
                errors.Add($"findings: '{shown}' is not a finding code (lower-case words separated by '.', e.g. tcp.refused, at most {AgentDataRules.MaxFindingLength} characters)");
            }
        }

        return errors;
    }

    private static void Add(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    private static bool KeyIsValid(string key) => key.Length <= AgentDataRules.MaxKeyLength && KeyPattern().IsMatch(key);

    [GeneratedRegex(@"^[a-z0-9_\-]+(\.[a-z0-9_\-/]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex FindingCode();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
