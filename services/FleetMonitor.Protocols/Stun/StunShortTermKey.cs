using System.Text;

namespace FleetMonitor.Protocols.Stun;

/// <summary>Turns a short-term credential password into the MESSAGE-INTEGRITY key (RFC 8489 §9.1.1).</summary>
public static class StunShortTermKey
{
    /// <summary>
    /// The key for <paramref name="password"/>: RFC 8489 §9.1.1 says key = OpaqueString(password) (RFC 8265 §4.2),
    /// RFC 5389 §15.4 said SASLprep(password). For printable ASCII (U+0020-U+007E) both are the identity, so the key
    /// is the password's bytes. Anything else is refused rather than prepared wrongly: doing it right needs NFC and the
    /// PRECIS/stringprep tables, which this invariant-globalization build does not carry, and the Reflector issues the
    /// per-agent passwords itself, so it can keep them ASCII.
    /// </summary>
    /// <exception cref="ArgumentException">The password is empty or has a character outside printable ASCII.</exception>
    public static byte[] FromPassword(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        foreach (var c in password)
        {
            if (c is < ' ' or > '~')
                throw new ArgumentException("Short-term STUN passwords must be printable ASCII (OpaqueString is only the identity there).", nameof(password));
        }

        return Encoding.ASCII.GetBytes(password);
    }
}
