using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FleetMonitor.Agent.Tests.Outbox;

/// <summary>The outbox on a small tmpfs that fills up: a clear error, nothing stored before lost or corrupted.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FullDiskTests
{
    [Fact]
    public async Task A_full_disk_refuses_the_new_message_clearly_and_keeps_the_stored_ones_intact()
    {
        using var folder = new TempDirectory();
        var mount = folder.File("small");
        Directory.CreateDirectory(mount);
        await Shell.RequireAsync("mount", "-t", "tmpfs", "-o", "size=640k", "tmpfs", mount);
        try
        {
            var path = Path.Combine(mount, "outbox.db");
            var filler = Path.Combine(mount, "filler");
            await File.WriteAllBytesAsync(filler, new byte[128 * 1024]);
            var body = new byte[2048];
            Random.Shared.NextBytes(body);
            var stored = new List<string>();
            OutboxFullException? full = null;
            using (var outbox = new ResultOutbox(path, TimeProvider.System))
            {
                for (var i = 0; i < 10_000 && full is null; i++)
                {
                    try
                    {
                        await outbox.EnqueueAsync("result.home.tcp", $"id-{i}", "ProbeCompleted", body, CancellationToken.None);
                        stored.Add($"id-{i}");
                    }
                    catch (OutboxFullException e)
                    {
                        full = e;
                    }
                }

                Assert.NotNull(full);
                Assert.Contains("is full", full.Message, StringComparison.Ordinal);
                Assert.Contains(path, full.Message, StringComparison.Ordinal);
                Assert.True(stored.Count > 10, $"only {stored.Count} messages fitted");

                // Still full: reading works, and what was stored is all there.
                Assert.Equal(stored, (await outbox.PeekAsync(100_000, CancellationToken.None)).Select(m => m.MessageId));
            }

            SqliteConnection.ClearAllPools();
            Assert.Equal("ok", await IntegrityAsync(path));

            // Room again (the user deletes some other file): the outbox opens and writing resumes.
            File.Delete(filler);
            using (var outbox = new ResultOutbox(path, TimeProvider.System))
            {
                await outbox.EnqueueAsync("result.home.tcp", "after", "ProbeCompleted", new byte[] { 1 }, CancellationToken.None);
                var all = await outbox.PeekAsync(100_000, CancellationToken.None);
                Assert.Equal([.. stored, "after"], all.Select(m => m.MessageId));
            }

            SqliteConnection.ClearAllPools();
            Assert.Equal("ok", await IntegrityAsync(path));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            await Shell.RequireAsync("umount", "-l", mount);
        }
    }

    private static async Task<string> IntegrityAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
