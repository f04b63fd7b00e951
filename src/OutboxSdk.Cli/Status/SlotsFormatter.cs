using System.Globalization;
using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace OutboxSdk.Cli.Status;

/// <summary>Prints replication slots, one line each: name, activity, confirmed LSN, lag, retained WAL, wal_status, safe_wal_size.</summary>
internal static class SlotsFormatter
{
    public static void Write(IReadOnlyList<ReplicationSlotInfo> slots, TextWriter output)
    {
        foreach (var s in slots)
        {
            var active = s.Active ? "active pid " + s.ActivePid?.ToString(CultureInfo.InvariantCulture) : "inactive";
            output.Write(
                $"  {s.Name}  {s.Plugin ?? (s.WalStatus == ReplicationSlotInfo.Missing ? "-" : "physical")}  {active}  confirmed {s.ConfirmedFlushLsn ?? "-"}  " +
                $"lag {Bytes(s.LagBytes)}  retained {Bytes(s.RetainedWalBytes)}  wal_status {s.WalStatus}  safe_wal_size {(s.SafeWalSize is { } safe ? Bytes(safe) : "unlimited")}\n");
        }
    }

    /// <summary>Exact bytes, and a rounded binary unit when large enough to matter.</summary>
    public static string Bytes(long? bytes)
    {
        if (bytes is not { } b)
        {
            return "-";
        }

        var c = CultureInfo.InvariantCulture;
        return Math.Abs(b) switch
        {
            >= 1L << 30 => string.Format(c, "{0} B ({1:0.#} GiB)", b, b / (double)(1L << 30)),
            >= 1L << 20 => string.Format(c, "{0} B ({1:0.#} MiB)", b, b / (double)(1L << 20)),
            >= 1L << 10 => string.Format(c, "{0} B ({1:0.#} KiB)", b, b / 1024d),
            _ => string.Format(c, "{0} B", b),
        };
    }
}
