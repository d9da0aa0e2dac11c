namespace FleetMonitor.Storage;

/// <summary>What became of an enrolment attempt.</summary>
public enum EnrolmentOutcome
{
    Enrolled,
    UnknownToken,
    Expired,
    Revoked,
    UsedUp,
}
