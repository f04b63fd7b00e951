using Microsoft.Extensions.DependencyInjection;
using OutboxSdk;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk.TestSupport;

namespace Contract.Tests;

/// <summary>
/// What every relay mode promises, written once and run once per mode (the subclasses below): committed messages
/// are delivered once and rolled-back ones never; a key's messages arrive in the order they were committed under
/// concurrent writers; a failing message is retried, then dead-lettered, then replayable; a message that cannot be
/// decoded is dead-lettered at once and its key goes on; an effect written through the context happens exactly once;
/// a restart loses nothing; a standby takes over. What the modes document differently is a property of
/// <see cref="DeliveryMode"/>, not a copy of the test.
/// </summary>
public abstract class DeliveryContract(PostgresFixture fixture, DeliveryMode mode)
{
    private Task<ContractOutbox> NewOutboxAsync(Action<OutboxOptions>? configure = null) => ContractOutbox.CreateAsync(fixture.Postgres, mode, configure);

    [Fact]
    public async Task Committed_messages_are_delivered_once_and_rolled_back_ones_never()
    {
        await using var outbox = await NewOutboxAsync();
        var (_, recorder) = await outbox.StartRelayAsync();

        await outbox.PublishAsync(Enumerable.Range(0, 10).Select(i => new ContractStep("a", i)));
        await outbox.PublishAsync(Enumerable.Range(0, 5).Select(i => new ContractStep("rolled-back", i)), rollback: true);
        await outbox.PublishAsync(Enumerable.Range(0, 10).Select(i => new ContractStep("b", i)));
        await outbox.PublishAsync([new ContractStep("last", 0)]);
        await recorder.WaitUntilAsync(r => r.Seen.Contains("last/0"));
        await Task.Delay(300); // anything delivered twice would arrive about now

        var seen = recorder.Seen.ToList();
        Assert.Equal(21, seen.Count);
        Assert.Equal(21, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(seen, s => s.StartsWith("rolled-back/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_keys_messages_arrive_in_commit_order_under_concurrent_writers()
    {
        await using var outbox = await NewOutboxAsync(o => o.MaxDegreeOfParallelism = 4);
        var (_, recorder) = await outbox.StartRelayAsync();

        // Four writers at once, two keys each; a key's steps are committed one after another by its writer.
        var keys = Enumerable.Range(0, 8).Select(i => "k" + i).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var seq = 0; seq < 15; seq++)
            {
                await outbox.PublishAsync([new ContractStep(keys[w * 2], seq), new ContractStep(keys[(w * 2) + 1], seq)]);
            }
        })));
        await recorder.WaitUntilAsync(r => r.Seen.Count >= keys.Length * 15);

        foreach (var key in keys)
        {
            var order = recorder.Seen.Where(s => s.StartsWith(key + "/", StringComparison.Ordinal)).Select(s => int.Parse(s[(key.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(0, 15), order);
        }
    }

    [Fact]
    public async Task A_failing_message_is_retried_then_dead_lettered_then_replayed_and_its_key_goes_on()
    {
        await using var outbox = await NewOutboxAsync(o => o.Retry.MaxAttempts = 3);
        var (host, recorder) = await outbox.StartRelayAsync();
        recorder.Failing["f/1"] = int.MaxValue;
        recorder.Failing["t/0"] = 2; // fails twice, then succeeds

        await outbox.PublishStepsAsync("f", 0, 3);
        await outbox.PublishStepsAsync("t", 0, 1);
        await outbox.PublishStepsAsync("g", 0, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Contains("f/2") && r.Seen.Contains("t/0") && r.Seen.Contains("g/0"));

        Assert.Equal(3, recorder.Attempts["f/1"]);
        Assert.Equal(3, recorder.Attempts["t/0"]);
        var seen = recorder.Seen.ToList();
        Assert.True(seen.IndexOf("f/0") < seen.IndexOf("f/2"), string.Join(", ", seen)); // the key goes on after the dead letter
        if (mode.RetryHoldsTheStream)
        {
            Assert.Equal(["f/0", "f/2", "t/0", "g/0"], seen); // the stream waited for each retry
        }

        var dead = host.Services.GetRequiredService<IDeadLetters>();
        var letter = Assert.Single(await dead.ListAsync());
        Assert.Equal(("contract.step", "f", 3), (letter.Subject, letter.PartitionKey, letter.Attempts));
        Assert.Contains(nameof(ContractStepHandler), letter.Handler, StringComparison.Ordinal);
        Assert.Contains("step f/1 fails (attempt 3)", letter.Error, StringComparison.Ordinal);

        recorder.Failing.Clear();
        Assert.True(await dead.ReplayAsync(letter.Id));
        await recorder.WaitUntilAsync(r => r.Seen.Contains("f/1"));
        Assert.Empty(await dead.ListAsync());
    }

    [Fact]
    public async Task A_message_that_cannot_be_decoded_is_dead_lettered_at_once_and_its_key_goes_on()
    {
        await using var outbox = await NewOutboxAsync();
        var (host, recorder) = await outbox.StartRelayAsync();

        // Right subject, a schema fingerprint nobody registered: retrying would never help.
        var header = new System.Buffers.ArrayBufferWriter<byte>();
        OutboxSdk.Avro.Framing.SingleObjectEncoding.WriteHeader(header, 42L);
        await outbox.Mode.WriteRawAsync(outbox.DataSource, outbox.Schema, "contract.step", "u", 42L, [.. header.WrittenSpan, 2, 0x75, 0]);
        await outbox.PublishStepsAsync("u", 1, 1);
        await recorder.WaitUntilAsync(r => r.Seen.Contains("u/1"));

        var letter = Assert.Single(await host.Services.GetRequiredService<IDeadLetters>().ListAsync());
        Assert.Equal((1, "u", (string?)null), (letter.Attempts, letter.PartitionKey, letter.Handler));
        Assert.Contains("nor registered", letter.Error, StringComparison.Ordinal);
        Assert.Equal(["u/1"], recorder.Seen);
    }

    [Fact]
    public async Task An_effect_written_through_the_context_happens_exactly_once_when_an_attempt_fails()
    {
        await using var outbox = await NewOutboxAsync();
        var (_, recorder) = await outbox.StartRelayAsync();
        recorder.Failing["effect:e/1"] = 2; // fails twice after writing its effect, then succeeds

        await outbox.PublishAsync(Enumerable.Range(0, 3).Select(i => new ContractEffect("e", i)));
        await recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(DISTINCT seq) FROM effects") == 3);
        await Task.Delay(300); // a duplicate effect would be committed about now

        Assert.Equal(3, recorder.Attempts["effect:e/1"]);
        Assert.Equal(3L, await outbox.ScalarAsync<long>("SELECT count(*) FROM effects"));
        Assert.Equal(3L, await outbox.ScalarAsync<long>("SELECT count(DISTINCT (key, seq)) FROM effects"));
    }

    [Fact]
    public async Task A_restart_loses_nothing_and_repeats_no_effect()
    {
        await using var outbox = await NewOutboxAsync();
        var (first, recorder) = await outbox.StartRelayAsync();
        await outbox.PublishAsync(Enumerable.Range(0, 20).Select(i => new ContractEffect("r", i)));
        await recorder.WaitUntilAsync(r => r.Seen.Count >= 5);

        await outbox.StopAsync(first);
        var (_, after) = await outbox.StartRelayAsync();
        await outbox.PublishAsync(Enumerable.Range(20, 10).Select(i => new ContractEffect("r", i)));
        await after.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(DISTINCT seq) FROM effects") == 30);

        Assert.Equal(30L, await outbox.ScalarAsync<long>("SELECT count(*) FROM effects")); // each effect once, across the restart
    }

    [Fact]
    public async Task A_standby_takes_over_when_the_active_relay_stops()
    {
        await using var outbox = await NewOutboxAsync();
        var (one, first) = await outbox.StartRelayAsync();
        var (two, second) = await outbox.StartRelayAsync();

        await outbox.PublishStepsAsync("s", 0, 1);
        await Recorder<string>.WaitUntilAsync(() => Task.FromResult(first.Seen.Count + second.Seen.Count == 1), "the first message");
        var (active, standby) = first.Seen.Count == 1 ? (one, second) : (two, first);

        await outbox.StopAsync(active);
        await outbox.PublishStepsAsync("s", 1, 3); // through the host that is left
        await standby.WaitUntilAsync(r => r.Seen.Contains("s/3"));

        Assert.Equal(["s/1", "s/2", "s/3"], standby.Seen);
    }
}

[Collection(ContractPostgresCollection.Name)]
public sealed class NotifyContract(PostgresFixture fixture) : DeliveryContract(fixture, DeliveryMode.Notify);

[Collection(ContractPostgresCollection.Name)]
public sealed class WalTableContract(PostgresFixture fixture) : DeliveryContract(fixture, DeliveryMode.WalTable);

[Collection(ContractPostgresCollection.Name)]
public sealed class WalLogicalMessageContract(PostgresFixture fixture) : DeliveryContract(fixture, DeliveryMode.WalLogicalMessage);
