namespace FleetMonitor.EndToEnd.Support;

/// <summary>The checkout the tests run from (the folder holding FleetMonitor.sln), for its scripts and build outputs.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "FleetMonitor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FleetMonitor.sln not found above " + AppContext.BaseDirectory);
    }
}
