using System.Globalization;
using OutboxSdk.Observability;
using OutboxSdk.Retention;

namespace OutboxSdk.Cli.Status;

/// <summary>Prints an <see cref="OutboxStatus"/> as plain aligned text: a heading per section, one line per item.</summary>
internal static class StatusFormatter
{
    public static void Write(OutboxStatus status, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.Write($"schema: {status.Schema}\n");
        if (status.Replication is { } replication)
        {
            // The Notify queue is not written in this mode: the backlog is what the slot owes.
            output.Write($"mode: Replication (slot {replication.Slot})\n");
            output.Write(string.Format(c, "backlog: slot lag {0}; {1} outbox message(s) after the last processed commit ({2}), oldest {3:0.###} s\n",
                SlotsFormatter.Bytes(replication.LagBytes), replication.Messages, Instant(replication.LastProcessedCommit).Replace("unbounded", "none yet", StringComparison.Ordinal),
                replication.OldestAge.TotalSeconds));
        }
        else
        {
            output.Write($"mode: {status.Mode}\n");
            output.Write(string.Format(c, "backlog: {0} undelivered, oldest {1:0.###} s\n", status.Backlog, status.BacklogAge.TotalSeconds));
        }

        output.Write(string.Format(c, "dead letters: {0}\n", status.DeadLetters));

        output.Write(string.Format(c, "partitions ({0}):\n", status.Partitions.Count));
        foreach (var p in status.Partitions)
        {
            var range = p.IsDefault ? "DEFAULT" : $"{Instant(p.From)} .. {Instant(p.To)}";
            var rows = p.EstimatedRows is { } n ? "~" + n.ToString(c) + " rows" : "rows unknown (not analyzed)";
            output.Write($"  {p.Name}  {range}  {rows}\n");
        }

        output.Write(string.Format(c, "schemas ({0}):\n", status.Schemas.Count));
        foreach (var s in status.Schemas)
        {
            output.Write(string.Format(c, "  {0}  v{1}  {2:x16}\n", s.Subject, s.Version, s.Fingerprint));
        }

        if (status.Slots is { Count: > 0 } slots)
        {
            output.Write(string.Format(c, "replication slots ({0}):\n", slots.Count));
            SlotsFormatter.Write(slots, output);
        }
    }

    private static string Instant(DateTimeOffset? instant) =>
        instant?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "unbounded";
}
