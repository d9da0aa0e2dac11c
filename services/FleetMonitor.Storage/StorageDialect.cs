namespace FleetMonitor.Storage;

/// <summary>The SQL dialects the stores speak.</summary>
public enum StorageDialect
{
    Sqlite,
    PostgreSql,
}
