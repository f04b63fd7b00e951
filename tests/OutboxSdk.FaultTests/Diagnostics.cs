using System.Text;
using Npgsql;

namespace OutboxSdk.FaultTests;

/// <summary>The server's view of a relay that stopped making progress, written next to the run's logs.</summary>
internal static class Diagnostics
{
    public static async Task<string> DescribeAsync(NpgsqlDataSource admin, string quotedSchema)
    {
        var text = new StringBuilder();
        await AppendAsync(text, admin, "relay and publisher sessions",
            "SELECT pid, application_name, state, wait_event_type, wait_event, xact_start, state_change, left(query, 160) FROM pg_stat_activity WHERE application_name LIKE 'fault-%' ORDER BY application_name, pid");
        await AppendAsync(text, admin, "locks held or awaited by relay sessions",
            "SELECT l.pid, l.locktype, l.mode, l.granted, c.relname, l.objid FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name LIKE 'fault-relay-%' ORDER BY l.pid");
        await AppendAsync(text, admin, "queued rows (first 40)",
            $"SELECT id, partition_key, attempts, next_attempt_at, left(last_error, 160) FROM {quotedSchema}.\"pending\" ORDER BY id LIMIT 40");
        return text.ToString();
    }

    private static async Task AppendAsync(StringBuilder text, NpgsqlDataSource admin, string title, string sql)
    {
        text.Append("## ").Append(title).Append('\n');
        try
        {
            await using var command = admin.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(i == 0 ? "" : " | ").Append(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
                }

                text.Append('\n');
            }
        }
        catch (NpgsqlException e)
        {
            text.Append("(failed: ").Append(e.Message).Append(")\n");
        }

        text.Append('\n');
    }
}
