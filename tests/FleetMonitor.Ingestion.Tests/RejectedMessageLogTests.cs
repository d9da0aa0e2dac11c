using FleetMonitor.Ingestion.Identity;

namespace FleetMonitor.Ingestion.Tests;

/// <summary>A refused message is logged as one line saying why, not with the consumer's stack trace.</summary>
public sealed class RejectedMessageLogTests
{
    [Fact]
    public void A_refusal_thrown_and_rethrown_prints_its_type_and_reason_without_a_stack_trace()
    {
        foreach (var refusal in new Exception[] { new InvalidMessageException("heartbeat: sentAt: outside the accepted window"), new ImpersonationException("broker user 'u' is not an enrolled agent") })
        {
            var caught = Rethrown(refusal);
            Assert.Same(refusal, caught);
            var text = caught.ToString();
            Assert.StartsWith(refusal.GetType().FullName + ": " + refusal.Message, text, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("stack trace", text, StringComparison.Ordinal);
        }

        // Any other failure keeps its trace.
        Assert.Contains(" at ", Rethrown(new InvalidOperationException("database")).ToString(), StringComparison.Ordinal);
    }

    private static Exception Rethrown(Exception exception)
    {
        try
        {
            try
            {
                throw exception;
            }
            catch (Exception e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
            }
        }
        catch (Exception e)
        {
            return e;
        }

        throw new InvalidOperationException("unreachable");
    }
}
