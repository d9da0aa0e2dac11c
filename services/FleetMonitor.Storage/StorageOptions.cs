using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Storage;

/// <summary>Which database the services use and how to reach it.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageDialect Provider { get; set; } = StorageDialect.Sqlite;

    [Required]
    public string ConnectionString { get; set; } = "Data Source=fleetmonitor.db";
}
