namespace FleetMonitor.Agent.Cli;

/// <summary>The agent's exit codes, the same for every command.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The check ran and found a problem (a probe degraded, failed or in error).</summary>
    public const int NotOk = 1;

    /// <summary>The command line was wrong: unknown command, option or parameter, malformed target.</summary>
    public const int Usage = 2;

    /// <summary>Something failed that is neither the command line nor the configuration (EX_SOFTWARE).</summary>
    public const int Software = 70;

    /// <summary>The configuration is missing or invalid (EX_CONFIG of sysexits.h).</summary>
    public const int Configuration = 78;
}
