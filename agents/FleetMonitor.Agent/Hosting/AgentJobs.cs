using System.Diagnostics.CodeAnalysis;
using Quartz;

namespace FleetMonitor.Agent.Hosting;

/// <summary>
/// Defines the agent's Quartz jobs with every attribute-driven setting stated explicitly, so Quartz never inspects the
/// job type's attributes by reflection (Hosting/QuartzAot.substitutions.xml removes that code from the native binary;
/// a job defined without these settings fails when it is built).
/// </summary>
internal static class AgentJobs
{
    /// <summary>A job that never runs twice at once (as <see cref="DisallowConcurrentExecutionAttribute"/>) and keeps no job data.</summary>
    public static IJobDetail Define<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods)] TJob>(JobKey key)
        where TJob : IJob =>
        JobBuilder.Create<TJob>()
            .WithIdentity(key)
            .DisallowConcurrentExecution(true)
            .PersistJobDataAfterExecution(false)
            .Build();
}
