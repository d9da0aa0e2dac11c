using System.Globalization;
using System.Text;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent.Cli;

/// <summary>A probe result as a table for support staff: kind, outcome, key figures, and each finding explained in one line.</summary>
internal static class ProbeTextReport
{
    public static string Format(ProbeCompleted result)
    {
        var text = new StringBuilder();
        Row(text, "probe", $"{result.Kind} {result.Target}");
        Row(text, "outcome", result.Outcome.ToString().ToUpperInvariant() + result.Outcome switch
        {
            ProbeOutcome.Ok => " (the path works)",
            ProbeOutcome.Degraded => " (the path works, but worse than it should)",
            ProbeOutcome.Failed => " (the path does not work)",
            _ => " (the probe could not run)",
        });
        Row(text, "took", string.Create(CultureInfo.InvariantCulture, $"{result.DurationMs:0.#} ms"));
        if (result.Error is not null)
        {
            Row(text, "reason", result.Error);
        }

        foreach (var (name, value) in result.Measurements.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            Row(text, name, value.ToString("0.###", CultureInfo.InvariantCulture));
        }

        foreach (var (name, value) in result.Facts.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            Row(text, name, value);
        }

        if (result.Findings.Count == 0)
        {
            text.AppendLine("findings: none");
        }
        else
        {
            text.AppendLine("findings:");
            var width = result.Findings.Max(f => f.Length);
            foreach (var finding in result.Findings)
            {
                text.Append("  ").Append(finding.PadRight(width)).Append("  ").AppendLine(FindingExplanations.Explain(finding));
            }
        }

        return text.ToString().TrimEnd();
    }

    private static void Row(StringBuilder text, string name, string value) =>
        text.Append(name.PadRight(28)).Append(' ').AppendLine(value);
}
