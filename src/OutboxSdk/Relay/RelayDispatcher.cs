using Microsoft.Extensions.Logging;
using Npgsql;

namespace OutboxSdk.Relay;

/// <summary>
/// One batch: claim due messages in id (commit) order, group them by partition key, deliver different keys in
/// parallel and each key's messages one after another, stopping a key at its first message that did not complete.
/// </summary>
internal sealed class RelayDispatcher(RelaySql sql, NpgsqlDataSource dataSource, MessageDelivery delivery, int batchSize, int maxDegreeOfParallelism, ILogger logger)
{
    /// <summary>Claims and delivers one batch; returns how many were claimed and how many completed.</summary>
    public async Task<(int Claimed, int Completed)> RunBatchAsync(CancellationToken stopping)
    {
        var claimed = await ClaimAsync(stopping).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return (0, 0);
        }

        var completed = 0;
        var groups = claimed.GroupBy(m => m.OrderingKey, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = stopping };
        await Parallel.ForEachAsync(groups, parallel, async (group, ct) =>
        {
            foreach (var message in group)
            {
                if (await delivery.DeliverAsync(message, ct).ConfigureAwait(false) != DeliveryOutcome.Completed)
                {
                    return; // later messages of this key wait for this one
                }

                Interlocked.Increment(ref completed);
            }
        }).ConfigureAwait(false);
        RelayLog.BatchDelivered(logger, claimed.Count, completed);
        return (claimed.Count, completed);
    }

    private async Task<List<ClaimedMessage>> ClaimAsync(CancellationToken cancellationToken)
    {
        var command = dataSource.CreateCommand(sql.Claim);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = batchSize });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var messages = new List<ClaimedMessage>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var exists = reader.GetBoolean(3);
                    messages.Add(new ClaimedMessage(
                        reader.GetInt64(0),
                        reader.GetDateTime(1),
                        reader.GetInt32(2),
                        exists,
                        exists ? reader.GetGuid(4) : Guid.Empty,
                        exists ? reader.GetString(5) : "",
                        exists && !reader.IsDBNull(6) ? reader.GetString(6) : null,
                        exists ? reader.GetInt64(7) : 0,
                        exists ? reader.GetFieldValue<byte[]>(8) : [],
                        exists ? reader.GetString(9) : "{}"));
                }

                return messages;
            }
        }
    }
}
