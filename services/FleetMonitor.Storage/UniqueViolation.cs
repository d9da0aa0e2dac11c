using Microsoft.Data.Sqlite;
using Npgsql;

namespace FleetMonitor.Storage;

/// <summary>Recognises a unique-constraint violation in either dialect.</summary>
internal static class UniqueViolation
{
    public static bool Is(Exception e) => e switch
    {
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException s => s.SqliteErrorCode == 19,
        _ => false,
    };
}
