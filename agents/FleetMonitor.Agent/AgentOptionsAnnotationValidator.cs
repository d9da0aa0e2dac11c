using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent;

/// <summary>The data annotations of <see cref="AgentOptions"/>, checked by generated code rather than reflection (Native AOT).</summary>
[OptionsValidator]
internal sealed partial class AgentOptionsAnnotationValidator : IValidateOptions<AgentOptions>;
