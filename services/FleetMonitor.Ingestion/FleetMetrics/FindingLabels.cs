using System.Collections.Frozen;
using System.Reflection;
using FleetMonitor.Probes;

namespace FleetMonitor.Ingestion.FleetMetrics;

/// <summary>
/// Turns a finding code into a metric label from a closed set: the codes the probe library defines; the families with
/// a number in them (<c>http.status.404</c>, <c>sip.status.486</c>, <c>exposure.open.5060/udp</c>) become their
/// family (<c>http.status</c>, <c>sip.status</c>, <c>exposure.open</c>); anything else is <c>other</c>.
/// </summary>
internal static class FindingLabels
{
    public const string Other = "other";

    private static readonly string[] Families = ["http.status", "sip.status", "exposure.open"];

    /// <summary>Every label <see cref="Label"/> can return.</summary>
    public static readonly FrozenSet<string> Known = typeof(FindingCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Concat(Families)
        .Append(Other)
        .ToFrozenSet(StringComparer.Ordinal);

    public static string Label(string? code)
    {
        if (code is null)
        {
            return Other;
        }

        if (Known.Contains(code))
        {
            return code;
        }

        foreach (var family in Families)
        {
            if (code.Length > family.Length + 1 && code.StartsWith(family, StringComparison.Ordinal) && code[family.Length] == '.')
            {
                return family;
            }
        }

        return Other;
    }
}
