using System.Globalization;
using DbUp;
using DbUp.Builder;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.Storage;

/// <summary>Applies the versioned SQL scripts in Migrations/ with DbUp; run as a step of its own before the services.</summary>
public static class DatabaseMigrator
{
    public static void Migrate(StorageDialect dialect, string connectionString, ILogger logger)
    {
        var folder = dialect == StorageDialect.PostgreSql ? ".Migrations.PostgreSql." : ".Migrations.Sqlite.";
        UpgradeEngineBuilder builder;
        if (dialect == StorageDialect.PostgreSql)
        {
            EnsureDatabase.For.PostgresqlDatabase(connectionString);
            builder = DeployChanges.To.PostgresqlDatabase(connectionString);
        }
        else
        {
            builder = DeployChanges.To.SqliteDatabase(connectionString);
        }

        var engine = builder
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.Contains(folder, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(new DbUpLogger(logger))
            .Build();

        var result = engine.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
        }

        if (dialect == StorageDialect.Sqlite)
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
            connection.Open();
            using var wal = connection.CreateCommand();
            // WAL lets the dashboard read while Ingestion writes; it is a property of the file, set once.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }
    }

    private sealed class DbUpLogger(ILogger logger) : DbUp.Engine.Output.IUpgradeLog
    {
        // DbUp hands over composite-format strings, not message templates.
        public void LogTrace(string format, params object[] args) => logger.LogTrace("{Migration}", Format(format, args));

        public void LogDebug(string format, params object[] args) => logger.LogDebug("{Migration}", Format(format, args));

        public void LogInformation(string format, params object[] args) => logger.LogInformation("{Migration}", Format(format, args));

        public void LogWarning(string format, params object[] args) => logger.LogWarning("{Migration}", Format(format, args));

        public void LogError(string format, params object[] args) => logger.LogError("{Migration}", Format(format, args));

        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, "{Migration}", Format(format, args));

        private static string Format(string format, object[] args) => args.Length == 0 ? format : string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
