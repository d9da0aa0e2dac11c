using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FleetMonitor.Ingestion;

/// <summary>Tells database failures that pass (outage, failover, lock conflicts) from those that never will.</summary>
internal static class TransientFailures
{
    // SQLite: SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL (disk space can be freed), SQLITE_CANTOPEN.
    private static readonly HashSet<int> SqliteTransient = [5, 6, 10, 13, 14];

    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    // Class 08 connection, 40 rollback (serialization, deadlock), 53 resources, 57 operator
                    // intervention (admin shutdown, cannot connect now), 58 system errors.
                    return postgres.IsTransient || postgres.SqlState[..2] is "08" or "40" or "53" or "57" or "58";
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case SqliteException sqlite:
                    return SqliteTransient.Contains(sqlite.SqliteErrorCode & 0xFF);
                case SocketException or TimeoutException or IOException or OperationCanceledException:
                    return true;
                case InvalidOperationException when e.Message.Contains("connection", StringComparison.OrdinalIgnoreCase)
                                                  && e.Source == "Npgsql":
                    return true;
            }
        }

        return false;
    }
}
