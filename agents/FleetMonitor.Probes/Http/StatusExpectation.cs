using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace FleetMonitor.Probes.Http;

/// <summary>The final statuses that count as Ok: <c>expect_status</c> such as <c>200</c>, <c>2xx,401</c> or <c>200-399</c>.</summary>
internal sealed class StatusExpectation
{
    private readonly IReadOnlyList<(int Low, int High)> _ranges;

    private StatusExpectation(IReadOnlyList<(int Low, int High)> ranges) => _ranges = ranges;

    /// <summary>Any 2xx.</summary>
    public static StatusExpectation Default { get; } = new([(200, 299)]);

    public bool Matches(int status) => _ranges.Any(r => status >= r.Low && status <= r.High);

    public static bool TryParse(string text, [NotNullWhen(true)] out StatusExpectation? expectation)
    {
        expectation = null;
        var ranges = new List<(int Low, int High)>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (item.Length == 3 && item[0] is >= '1' and <= '5' && item.EndsWith("xx", StringComparison.OrdinalIgnoreCase))
            {
                var low = (item[0] - '0') * 100;
                ranges.Add((low, low + 99));
            }
            else if (item.Split('-') is [var from, var to] && TryStatus(from, out var low) && TryStatus(to, out var high) && low <= high)
            {
                ranges.Add((low, high));
            }
            else if (TryStatus(item, out var code))
            {
                ranges.Add((code, code));
            }
            else
            {
                return false;
            }
        }

        if (ranges.Count == 0)
            return false;
        expectation = new StatusExpectation(ranges);
        return true;
    }

    private static bool TryStatus(string text, out int code) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out code) && code is >= 100 and <= 599;
}
