using System.Security.Cryptography;
using System.Text;

namespace FleetMonitor.Api.Access;

/// <summary>
/// Makes and reads Api tokens, <c>fm_&lt;id&gt;_&lt;secret&gt;</c>: the id finds the row, the secret is checked against
/// its SHA-256 hash. A fast hash suffices because the secret is 256 random bits, not something a person chose.
/// </summary>
public static class ApiTokens
{
    private const string Prefix = "fm_";
    private const int IdBytes = 8;
    private const int SecretBytes = 32;
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static (string Id, string Secret, string Token) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        return (id, secret, $"{Prefix}{id}_{secret}");
    }

    /// <summary>Splits a presented token into id and secret; false when it does not have the shape of one.</summary>
    public static bool TryParse(string token, out string id, out string secret)
    {
        id = secret = "";
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length != Prefix.Length + (IdBytes * 2) + 1 + 43)
        {
            return false;
        }

        var rest = token.AsSpan(Prefix.Length);
        if (rest[IdBytes * 2] != '_' || rest[..(IdBytes * 2)].ContainsAnyExcept(LowerHex))
        {
            return false;
        }

        id = rest[..(IdBytes * 2)].ToString();
        secret = rest[((IdBytes * 2) + 1)..].ToString();
        return true;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
