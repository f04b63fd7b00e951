using Microsoft.Extensions.Diagnostics.HealthChecks;
using OutboxSdk.Delivery;

namespace OutboxSdk.Observability;

/// <summary>The health check's report of messages the relay waits on because only another version can read them.</summary>
internal static class UnreadableSchemaHealth
{
    public static HealthCheckResult Degraded(IReadOnlyList<UnreadableWait> waits, OutboxRetryOptions retry, Dictionary<string, object> data)
    {
        var oldest = waits[0];
        data["unreadableMessages"] = waits.Count;
        data["unreadableSubject"] = oldest.Subject;
        data["unreadableWriterSchema"] = oldest.WriterSchema;
        data["unreadableSince"] = oldest.Since.ToString("O", CultureInfo.InvariantCulture);
        var timeout = retry.UnreadableSchemaTimeout == Timeout.InfiniteTimeSpan
            ? "it waits for good (UnreadableSchemaTimeout is infinite)"
            : $"it is dead-lettered if none has read it {retry.UnreadableSchemaTimeout.ToString("c", CultureInfo.InvariantCulture)} after it was first met";
        return HealthCheckResult.Degraded(
            $"'{oldest.Subject}' message {oldest.MessageId} at {oldest.Position} was written with writer schema {oldest.WriterSchema}, which this version of the application "
            + $"cannot read: waiting for a relay that can read it (a newer deploy){(waits.Count > 1 ? $", with {waits.Count - 1} more message(s)" : "")}. {oldest.Reason} "
            + $"Finish the rolling deploy (a relay of the version that wrote it takes over from this one), or roll that version back out and replay; {timeout}.",
            data: data);
    }
}
