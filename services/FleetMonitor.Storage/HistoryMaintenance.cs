using System.Data.Common;
using System.Globalization;
using Dapper;

namespace FleetMonitor.Storage;

/// <summary>
/// Keeps <c>probe_results</c> in shape: daily partitions made ahead of the rows (rows that arrive for a day without one
/// wait in the DEFAULT partition and are moved when it is made), hourly roll-ups per site and probe (outcome counts;
/// min/avg/max/p95 of each measurement), and retention (raw results older than the retention are rolled up, then
/// their partitions dropped; roll-ups older than theirs deleted). Every step is idempotent; on PostgreSQL one replica at
/// a time runs it (advisory lock).
/// </summary>
public sealed class HistoryMaintenance(Database database, TimeProvider timeProvider)
{
    private const long LockKey = 0x46_4D_48_49_53_54_4F_52; // "FMHISTOR"
    private const string PartitionPrefix = "probe_results_p";

    /// <summary>What one run did.</summary>
    public sealed record Outcome(int PartitionsMade, long RowsMoved, int HoursRolledUp, int PartitionsDropped, long RowsDeleted, long RollupsDeleted, bool Skipped);

    /// <summary>
    /// Makes the partitions of yesterday to <paramref name="daysAhead"/> days ahead, rolls up the last
    /// <paramref name="recentHours"/> hours, and applies the retention.
    /// </summary>
    public async Task<Outcome> RunAsync(int daysAhead, int recentHours, TimeSpan retention, TimeSpan rollupRetention, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.Dialect == StorageDialect.PostgreSql
            && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@Key)", new { Key = LockKey }, cancellationToken: cancellationToken)))
        {
            return new Outcome(0, 0, 0, 0, 0, 0, Skipped: true);
        }

        try
        {
            int made = 0;
            long moved = 0;
            if (database.Dialect == StorageDialect.PostgreSql)
            {
                var today = DateOnly.FromDateTime(now.UtcDateTime);
                for (var day = today.AddDays(-1); day <= today.AddDays(daysAhead); day = day.AddDays(1))
                {
                    var (created, rows) = await EnsurePartitionAsync(connection, day, cancellationToken);
                    made += created ? 1 : 0;
                    moved += rows;
                }
            }

            var thisHour = Hour(now);
            await RollUpHoursAsync(connection, thisHour.AddHours(-recentHours), thisHour.AddHours(1), cancellationToken);
            var hours = recentHours + 1;

            var (dropped, deleted, rolled) = await ApplyRetentionAsync(connection, now - retention, cancellationToken);
            var rollupsDeleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM probe_rollups_hourly WHERE hour < @Before", new { Before = Hour(now - rollupRetention) }, cancellationToken: cancellationToken));
            rollupsDeleted += await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM probe_measurement_rollups_hourly WHERE hour < @Before", new { Before = Hour(now - rollupRetention) }, cancellationToken: cancellationToken));
            return new Outcome(made, moved, hours + rolled, dropped, deleted, rollupsDeleted, Skipped: false);
        }
        finally
        {
            if (database.Dialect == StorageDialect.PostgreSql)
            {
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@Key)", new { Key = LockKey }, cancellationToken: CancellationToken.None));
            }
        }
    }

    /// <summary>Names of the daily partitions that exist (PostgreSQL), oldest first.</summary>
    public async Task<IReadOnlyList<string>> ListPartitionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ListPartitionsAsync(connection, cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> ListPartitionsAsync(DbConnection connection, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = 'probe_results' ORDER BY c.relname
            """, cancellationToken: cancellationToken))).AsList();

    private static async Task<(bool Created, long Moved)> EnsurePartitionAsync(DbConnection connection, DateOnly day, CancellationToken cancellationToken)
    {
        // Identifiers cannot be parameters; the name and bounds are formatted from a DateOnly, never from input text.
        var name = PartitionPrefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = @Name)", new { Name = name }, cancellationToken: cancellationToken));
        if (exists)
        {
            return (false, 0);
        }

        var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";
        var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00+00";
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Parent first, then the DEFAULT partition: the order every insert takes them in, so no deadlock; no insert
        // slips between reading and deleting the rows that move. Held for a moment, once per new day.
        await connection.ExecuteAsync(new CommandDefinition(
            "SET LOCAL lock_timeout = '10s'; LOCK TABLE probe_results IN ACCESS EXCLUSIVE MODE; LOCK TABLE probe_results_default IN ACCESS EXCLUSIVE MODE",
            transaction: transaction, cancellationToken: cancellationToken));

        // Rows of this day that waited in the DEFAULT partition move into the new one, in the same transaction.
        await connection.ExecuteAsync(new CommandDefinition(
            $"CREATE TEMP TABLE moving ON COMMIT DROP AS SELECT * FROM probe_results_default WHERE started_at >= '{from}' AND started_at < '{to}'",
            transaction: transaction, cancellationToken: cancellationToken));
        var moved = await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM probe_results_default WHERE started_at >= '{from}' AND started_at < '{to}'", transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            $"CREATE TABLE IF NOT EXISTS {name} PARTITION OF probe_results FOR VALUES FROM ('{from}') TO ('{to}')", transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("INSERT INTO probe_results SELECT * FROM moving", transaction: transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (true, moved);
    }

    private async Task<(int Dropped, long Deleted, int HoursRolledUp)> ApplyRetentionAsync(DbConnection connection, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var firstKept = DateOnly.FromDateTime(cutoff.UtcDateTime);
        var dropped = 0;
        var hours = 0;
        long deleted = 0;
        if (database.Dialect == StorageDialect.PostgreSql)
        {
            foreach (var name in await ListPartitionsAsync(connection, cancellationToken))
            {
                if (!name.StartsWith(PartitionPrefix, StringComparison.Ordinal)
                    || !DateOnly.TryParseExact(name[PartitionPrefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                    || day >= firstKept)
                {
                    continue;
                }

                // Roll the whole day up before its rows go.
                var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                await RollUpAsync(connection, start, start.AddDays(1), cancellationToken);
                hours += 24;
                await connection.ExecuteAsync(new CommandDefinition($"DROP TABLE IF EXISTS {name}", cancellationToken: cancellationToken));
                dropped++;
            }
        }

        // Old rows outside dropped partitions (the DEFAULT partition, or SQLite): roll up their hours, then delete.
        var before = new DateTimeOffset(firstKept.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var oldest = await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(
            "SELECT MIN(started_at) FROM probe_results WHERE started_at < @Before", new { Before = before }, cancellationToken: cancellationToken));
        if (oldest is { } first)
        {
            hours += await RollUpHoursAsync(connection, Hour(first), before, cancellationToken);

            deleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM probe_results WHERE started_at < @Before", new { Before = before }, cancellationToken: cancellationToken));
        }

        return (dropped, deleted, hours);
    }

    /// <summary>Rolls up whole hours in [from, to): in one statement on PostgreSQL, hour by hour on SQLite.</summary>
    private async Task<int> RollUpHoursAsync(DbConnection connection, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (database.Dialect == StorageDialect.PostgreSql)
        {
            await RollUpAsync(connection, from, to, cancellationToken);
        }
        else
        {
            for (var hour = from; hour < to; hour = hour.AddHours(1))
            {
                await RollUpAsync(connection, hour, hour.AddHours(1), cancellationToken);
            }
        }

        return (int)Math.Ceiling((to - from).TotalHours);
    }

    /// <summary>
    /// (Re)computes the roll-ups of the hours in [from, to): outcome counts and measurement statistics. On SQLite the
    /// range is one hour.
    /// </summary>
    private async Task RollUpAsync(DbConnection connection, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var args = new { From = from, To = to };
        if (database.Dialect == StorageDialect.PostgreSql)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO probe_rollups_hourly (site_id, probe_id, hour, kind, results, ok, degraded, failed, error)
                SELECT site_id, probe_id, date_trunc('hour', started_at), min(kind), count(*),
                       count(*) FILTER (WHERE outcome = 'ok'), count(*) FILTER (WHERE outcome = 'degraded'),
                       count(*) FILTER (WHERE outcome = 'failed'), count(*) FILTER (WHERE outcome = 'error')
                FROM probe_results WHERE started_at >= @From AND started_at < @To
                GROUP BY site_id, probe_id, date_trunc('hour', started_at)
                ON CONFLICT (site_id, probe_id, hour) DO UPDATE SET kind = excluded.kind, results = excluded.results,
                    ok = excluded.ok, degraded = excluded.degraded, failed = excluded.failed, error = excluded.error
                """, args, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO probe_measurement_rollups_hourly (site_id, probe_id, hour, measurement, samples, min, avg, max, p95)
                SELECT r.site_id, r.probe_id, date_trunc('hour', r.started_at), m.key, count(*),
                       min(m.value::double precision), avg(m.value::double precision), max(m.value::double precision),
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY m.value::double precision)
                FROM probe_results r, jsonb_each_text(r.measurements) m
                WHERE r.started_at >= @From AND r.started_at < @To
                GROUP BY r.site_id, r.probe_id, date_trunc('hour', r.started_at), m.key
                ON CONFLICT (site_id, probe_id, hour, measurement) DO UPDATE SET samples = excluded.samples,
                    min = excluded.min, avg = excluded.avg, max = excluded.max, p95 = excluded.p95
                """, args, cancellationToken: cancellationToken));
        }
        else
        {
            // SQLite (embedded): one hour per call; p95 is left empty (no percentile function).
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO probe_rollups_hourly (site_id, probe_id, hour, kind, results, ok, degraded, failed, error)
                SELECT site_id, probe_id, @From, min(kind), count(*),
                       sum(outcome = 'ok'), sum(outcome = 'degraded'), sum(outcome = 'failed'), sum(outcome = 'error')
                FROM probe_results WHERE started_at >= @From AND started_at < @To
                GROUP BY site_id, probe_id
                ON CONFLICT (site_id, probe_id, hour) DO UPDATE SET kind = excluded.kind, results = excluded.results,
                    ok = excluded.ok, degraded = excluded.degraded, failed = excluded.failed, error = excluded.error
                """, args, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO probe_measurement_rollups_hourly (site_id, probe_id, hour, measurement, samples, min, avg, max, p95)
                SELECT r.site_id, r.probe_id, @From, m.key, count(*), min(m.value), avg(m.value), max(m.value), NULL
                FROM probe_results r, json_each(r.measurements) m
                WHERE r.started_at >= @From AND r.started_at < @To
                GROUP BY r.site_id, r.probe_id, m.key
                ON CONFLICT (site_id, probe_id, hour, measurement) DO UPDATE SET samples = excluded.samples,
                    min = excluded.min, avg = excluded.avg, max = excluded.max, p95 = excluded.p95
                """, args, cancellationToken: cancellationToken));
        }
    }

    private static DateTimeOffset Hour(DateTimeOffset t)
    {
        var utc = t.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
