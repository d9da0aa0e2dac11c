using System.Collections;
using System.Collections.Specialized;
using System.Text.Json;
using Quartz;
using Quartz.Spi;

namespace FleetMonitor.Alerting.Offline;

/// <summary>
/// The ADO job store's serializer for job data: string maps as JSON. Alerting's jobs carry no data and no calendars;
/// Quartz 3's own JSON serializers are separate packages, and the binary one needs BinaryFormatter, which .NET removed.
/// </summary>
internal sealed class JobDataJsonSerializer : IObjectSerializer
{
    public void Initialize()
    {
    }

    public byte[] Serialize<T>(T obj)
        where T : class
    {
        var map = obj switch
        {
            NameValueCollection collection => collection.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => collection[k]),
            IDictionary dictionary => dictionary.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => dictionary[k]?.ToString()),
            _ => throw new NotSupportedException($"Alerting's job store stores string maps only, not {typeof(T).Name}"),
        };
        return JsonSerializer.SerializeToUtf8Bytes(map);
    }

    public T? DeSerialize<T>(byte[] data)
        where T : class
    {
        var map = JsonSerializer.Deserialize<Dictionary<string, string?>>(data) ?? [];
        if (typeof(T).IsAssignableFrom(typeof(NameValueCollection)))
        {
            var collection = new NameValueCollection();
            foreach (var (key, value) in map)
            {
                collection[key] = value;
            }

            return (T)(object)collection;
        }

        if (typeof(T).IsAssignableFrom(typeof(JobDataMap)))
        {
            var jobData = new JobDataMap();
            foreach (var (key, value) in map)
            {
                jobData[key] = value!;
            }

            return (T)(object)jobData;
        }

        throw new NotSupportedException($"Alerting's job store stores string maps only, not {typeof(T).Name}");
    }
}
