using System.Globalization;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Nat;

/// <summary>The NAT probe's parameters, parsed and checked.</summary>
internal sealed record NatProbeSettings
{
    /// <summary>The agent's Reflector user name; with <see cref="Password"/>, authenticates CHANGE-REQUEST and RESPONSE-PORT.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>The longest idle time the binding lifetime search tries; zero skips the search.</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The phone's keep-alive interval: a binding that dies sooner is <c>nat.binding_short</c>.</summary>
    public TimeSpan Keepalive { get; init; } = TimeSpan.FromSeconds(30);

    public RetransmissionSchedule Schedule { get; init; } = RetransmissionSchedule.Default;

    /// <summary>Settings from <paramref name="parameters"/>, or why they cannot be used.</summary>
    public static (NatProbeSettings? Settings, string? Error) Parse(IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string? error = null;
        parameters.TryGetValue("username", out var username);
        parameters.TryGetValue("password", out var password);
        if (string.IsNullOrEmpty(username) != string.IsNullOrEmpty(password))
            error = "username and password come together: give both or neither";
        else if (!string.IsNullOrEmpty(password) && !IsPrintableAscii(password))
            error = "password must be printable ASCII (the STUN short-term key is its bytes)";
        else if (!string.IsNullOrEmpty(username) && System.Text.Encoding.UTF8.GetByteCount(username) > StunMessageWriter.MaxUsernameBytes)
            error = "username is too long for STUN's USERNAME";

        var defaults = RetransmissionSchedule.Default;
        var settings = new NatProbeSettings
        {
            Username = string.IsNullOrEmpty(username) ? null : username,
            Password = string.IsNullOrEmpty(password) ? null : password,
            MaxLifetime = TimeSpan.FromSeconds(Integer(parameters, "max_lifetime_s", 120, 0, 3600, ref error)),
            Keepalive = TimeSpan.FromSeconds(Integer(parameters, "keepalive_s", 30, 1, 3600, ref error)),
            Schedule = new RetransmissionSchedule(
                TimeSpan.FromMilliseconds(Integer(parameters, "rto_ms", (int)defaults.Rto.TotalMilliseconds, 100, 10_000, ref error)),
                Integer(parameters, "rc", defaults.Transmissions, 1, 7, ref error),
                Integer(parameters, "rm", defaults.LastWaitFactor, 1, 16, ref error)),
        };
        return error is null ? (settings, null) : (null, error);
    }

    private static bool IsPrintableAscii(string text) => text.All(c => c is >= ' ' and <= '~');

    private static int Integer(IReadOnlyDictionary<string, string> parameters, string name, int fallback, int min, int max, ref string? error)
    {
        if (!parameters.TryGetValue(name, out var text))
            return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        error ??= $"{name} must be a whole number from {min} to {max}, not '{text}'";
        return fallback;
    }
}
