using System.Collections.Concurrent;
using Quartz;

namespace FleetMonitor.Agent.Scheduling;

/// <summary>The definitions the agent's Quartz jobs run now, by job key: the local configuration's and the site schedule's.</summary>
public sealed class ActiveProbes
{
    private readonly ConcurrentDictionary<JobKey, ProbeDefinitionOptions> _probes = new();

    public int Count => _probes.Count;

    public bool TryGet(JobKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out ProbeDefinitionOptions definition) =>
        _probes.TryGetValue(key, out definition);

    public void Set(JobKey key, ProbeDefinitionOptions definition) => _probes[key] = definition;

    public void Remove(JobKey key) => _probes.TryRemove(key, out _);

    public IReadOnlyList<JobKey> KeysOf(string group) => _probes.Keys.Where(k => k.Group == group).ToList();
}
