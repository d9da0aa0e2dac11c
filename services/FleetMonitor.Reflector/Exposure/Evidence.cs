using System.Text;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>Turns what a service sent into a short, printable line of evidence: bytes from the internet never go out raw.</summary>
internal static class Evidence
{
    public const int MaxLength = 200;

    /// <summary>The first line of <paramref name="data"/>, non-printable bytes as '.', at most <see cref="MaxLength"/> characters; null when empty.</summary>
    public static string? FirstLine(ReadOnlySpan<byte> data)
    {
        var end = data.IndexOfAny((byte)'\r', (byte)'\n');
        return Printable(end < 0 ? data : data[..end]);
    }

    public static string? Printable(ReadOnlySpan<byte> data)
    {
        var builder = new StringBuilder(Math.Min(data.Length, MaxLength));
        foreach (var b in data[..Math.Min(data.Length, MaxLength)])
            builder.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        var text = builder.ToString().Trim();
        return text.Length == 0 ? null : text;
    }

    public static string? Printable(string? text) => text is null ? null : Printable(Encoding.UTF8.GetBytes(text));

    /// <summary>Joins the parts that are not null with "; ", or null when none is left.</summary>
    public static string? Join(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrEmpty(p)).ToArray();
        return present.Length == 0 ? null : Printable(string.Join("; ", present));
    }
}
