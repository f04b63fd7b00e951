using System.Security.Cryptography;

namespace Replication.Tests;

/// <summary>
/// Transactions beyond logical_decoding_work_mem (64kB in these tests) are streamed while in progress: the relay keeps
/// them within its buffer, spilling the rest to disk, and discards aborted ones and aborted subtransactions.
/// </summary>
[Collection(StreamingPostgresCollection.Name)]
public sealed class StreamedTransactionTests(StreamingPostgresFixture fixture)
{
    private const long Buffer = 1024 * 1024;

    [Fact]
    public async Task A_large_streamed_transaction_is_delivered_within_the_buffer_and_spills_the_rest()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres, o => o.Replication.StreamBufferBytes = Buffer);
        var (host, recorder) = await outbox.StartRelayAsync();

        // About 20 MB in one transaction, incompressible so the WAL (and the stream) carries all of it.
        await using (var connection = await outbox.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var blobs = Enumerable.Range(0, 1000).Select(i => new Blob("big-" + i, Convert.ToBase64String(RandomNumberGenerator.GetBytes(15_000)))).ToList();
            await outbox.Outbox.PublishBatchAsync(blobs, transaction);
            await transaction.CommitAsync();
        }

        await recorder.WaitUntilAsync(r => r.BlobCount >= 1000, 300);
        var state = outbox.StateOf(host);
        Assert.Equal(1000, recorder.Seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => "blob:big-" + i), recorder.Seen);
        Assert.True(state.PeakBufferBytes > 0, "the transaction was streamed and buffered");
        Assert.True(state.PeakBufferBytes <= Buffer, $"the buffer peaked at {state.PeakBufferBytes} bytes, over its {Buffer}");
        Assert.True(state.SpilledBytes > 10_000_000, $"only {state.SpilledBytes} bytes spilled");
    }

    [Fact]
    public async Task Aborted_streamed_transactions_and_subtransactions_are_never_delivered()
    {
        await using var outbox = await ReplicationOutbox.CreateAsync(fixture.Postgres, o => o.Replication.StreamBufferBytes = Buffer);
        var (host, recorder) = await outbox.StartRelayAsync();
        static IEnumerable<Blob> Blobs(string prefix, int count) =>
            Enumerable.Range(0, count).Select(i => new Blob(prefix + i, Convert.ToBase64String(RandomNumberGenerator.GetBytes(15_000))));

        await outbox.PublishAsync(Blobs("aborted-", 200), rollback: true);
        await using (var connection = await outbox.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            foreach (var blob in Blobs("kept-", 50))
            {
                await outbox.Outbox.PublishAsync(blob, transaction);
            }

            await transaction.SaveAsync("before_dropped");
            foreach (var blob in Blobs("dropped-", 200))
            {
                await outbox.Outbox.PublishAsync(blob, transaction);
            }

            await transaction.RollbackAsync("before_dropped");
            await outbox.Outbox.PublishAsync(new Blob("last", "x"), transaction);
            await transaction.CommitAsync();
        }

        await recorder.WaitUntilAsync(r => r.Seen.Contains("blob:last"), 300);
        Assert.Equal([.. Enumerable.Range(0, 50).Select(i => "blob:kept-" + i), "blob:last"], recorder.Seen);
        Assert.True(outbox.StateOf(host).PeakBufferBytes > 0, "the transactions were streamed");
    }
}
