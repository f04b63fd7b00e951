using System.Buffers;
using Npgsql;
using OutboxSdk.Avro.Framing;
using OutboxSdk.DeadLetters;
using Microsoft.Extensions.DependencyInjection;
using OutboxSdk;

namespace Relay.Tests;

/// <summary>Handlers that throw: retries, dead letters, replay, and a poison message that blocks only its key.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FailureTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_failing_handler_is_retried_then_dead_lettered_and_a_replay_delivers_it()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (host, recorder) = await outbox.StartRelayAsync(o => o.Retry.MaxAttempts = 3);
        recorder.Failing["poison/0"] = int.MaxValue;

        await outbox.WriteStepsAsync("poison", 0, 1);
        var deadLetters = host.Services.GetRequiredService<IDeadLetters>();
        await recorder.WaitUntilAsync(async () => (await deadLetters.ListAsync()).Count == 1);

        var letter = Assert.Single(await deadLetters.ListAsync());
        Assert.Equal(3, recorder.Attempts["poison/0"]);
        Assert.Equal((3, "tests.order-step", "poison", typeof(OrderStepHandler).FullName), (letter.Attempts, letter.Subject, letter.PartitionKey, letter.Handler));
        Assert.Contains("step poison/0 fails (attempt 3)", letter.Error, StringComparison.Ordinal);
        Assert.Empty(recorder.Seen);

        recorder.Failing.Clear();
        Assert.True(await deadLetters.ReplayAsync(letter.Id));

        await recorder.WaitUntilAsync(r => !r.Seen.IsEmpty);
        Assert.Equal("poison", Assert.Single(recorder.Seen).OrderId);
        Assert.Empty(await deadLetters.ListAsync());
        Assert.False(await deadLetters.ReplayAsync(letter.Id));
    }

    [Fact]
    public async Task A_poison_message_blocks_only_its_own_key_and_later_messages_of_the_key_follow_it()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        // Retries at least 100 + 200 ms apart: long enough to see the other key finish while this one waits.
        var (host, recorder) = await outbox.StartRelayAsync(o => (o.Retry.MaxAttempts, o.Retry.InitialDelay, o.Retry.MaxDelay) = (3, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)));
        recorder.Failing["blocked/0"] = int.MaxValue;

        await outbox.WriteStepsAsync("blocked", 0, 3);
        await outbox.WriteStepsAsync("free", 0, 3);

        await recorder.WaitUntilAsync(r => r.Seen.Count(s => s.OrderId == "free") == 3);
        Assert.DoesNotContain(recorder.Seen, s => s.OrderId == "blocked");

        // Once the first is dead-lettered the key flows again, in order.
        await recorder.WaitUntilAsync(r => r.Seen.Count(s => s.OrderId == "blocked") == 2, 30);
        var letter = Assert.Single(await host.Services.GetRequiredService<IDeadLetters>().ListAsync());
        Assert.Equal(3, letter.Attempts);
        Assert.Equal([1, 2], recorder.Seen.Where(s => s.OrderId == "blocked").Select(s => s.Seq));
        Assert.Equal(3, recorder.Attempts["blocked/0"]);
    }

    [Fact]
    public async Task A_message_notified_while_an_earlier_one_of_its_key_waits_for_a_retry_does_not_overtake_it()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (_, recorder) = await outbox.StartRelayAsync(o => (o.Retry.MaxAttempts, o.Retry.InitialDelay, o.Retry.MaxDelay) = (5, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(1)));
        recorder.Failing["late/0"] = 1;

        await outbox.WriteStepsAsync("late", 0, 1);
        await recorder.WaitUntilAsync(r => r.Attempts.GetValueOrDefault("late/0") == 1);

        // Written (and notified) while late/0 waits for its retry: its notification reaches a worker at once, and
        // the delivery must leave it behind late/0.
        await outbox.WriteStepsAsync("late", 1, 2);
        await outbox.WriteStepsAsync("other", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Any(s => s.OrderId == "other"));
        Assert.DoesNotContain(recorder.Seen, s => s.OrderId == "late");

        await recorder.WaitUntilAsync(r => r.Seen.Count(s => s.OrderId == "late") == 3);
        Assert.Equal([0, 1, 2], recorder.Seen.Where(s => s.OrderId == "late").Select(s => s.Seq));
    }

    [Fact]
    public async Task An_unknown_fingerprint_is_dead_lettered_at_once_and_discard_removes_it()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        var (host, recorder) = await outbox.StartRelayAsync();

        var payload = new ArrayBufferWriter<byte>();
        SingleObjectEncoding.WriteHeader(payload, 42L);
        payload.Write(new byte[] { 2, 0x61 });
        await using (var command = outbox.DataSource.CreateCommand(
            "INSERT INTO messages (message_id, subject, partition_key, schema_fingerprint, payload) VALUES (gen_random_uuid(), 'tests.order-step', 'x', 42, $1)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = payload.WrittenSpan.ToArray() });
            await command.ExecuteNonQueryAsync();
        }

        await outbox.WriteStepsAsync("x", 1, 1);

        // The undecodable message goes first, so the key's next message proves it did not block.
        await recorder.WaitUntilAsync(r => r.Seen.Count == 1);
        var deadLetters = host.Services.GetRequiredService<IDeadLetters>();
        var letter = Assert.Single(await deadLetters.ListAsync());
        Assert.Equal(1, letter.Attempts);
        Assert.Contains("schema of fingerprint 42", letter.Error, StringComparison.Ordinal);
        Assert.Contains("nor registered", letter.Error, StringComparison.Ordinal);
        Assert.Null(letter.Handler);

        Assert.True(await deadLetters.DiscardAsync(letter.Id));
        Assert.Empty(await deadLetters.ListAsync());
        Assert.False(await deadLetters.DiscardAsync(letter.Id));
    }
}
