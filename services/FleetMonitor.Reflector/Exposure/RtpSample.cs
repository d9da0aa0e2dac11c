using System.Globalization;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>Which ports of a site's RTP range a scan samples: <c>count</c> ports spread evenly from the first to the last.</summary>
internal static class RtpSample
{
    public static bool TryParseRange(string text, out int first, out int last)
    {
        first = last = 0;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            && int.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out first)
            && int.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out last)
            && first is >= 1 and <= 65535 && last is >= 1 and <= 65535 && first <= last;
    }

    /// <summary>Up to <paramref name="count"/> distinct ports from <paramref name="first"/> to <paramref name="last"/>, both ends included when count &gt; 1.</summary>
    public static IReadOnlyList<int> Ports(int first, int last, int count)
    {
        if (count <= 0)
            return [];
        if (count == 1)
            return [first];
        var span = (long)last - first;
        return [.. Enumerable.Range(0, count).Select(i => first + (int)Math.Round((double)span * i / (count - 1), MidpointRounding.AwayFromZero)).Distinct()];
    }
}
