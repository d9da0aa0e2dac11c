namespace FleetMonitor.Alerting.Policies;

/// <summary>Matches finding codes against a pattern where <c>*</c> stands for any characters.</summary>
internal static class FindingPattern
{
    public static bool Matches(string pattern, string code)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return pattern == code;
        }

        if (!code.StartsWith(parts[0], StringComparison.Ordinal) || !code.EndsWith(parts[^1], StringComparison.Ordinal)
            || code.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        var at = parts[0].Length;
        var end = code.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = code.IndexOf(parts[i], at, end - at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            at = found + parts[i].Length;
        }

        return true;
    }
}
