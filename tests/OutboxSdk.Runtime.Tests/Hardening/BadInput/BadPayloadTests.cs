using System.Buffers;
using Hardening.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.DeadLetters;
using OutboxSdk.Generated;
using OutboxSdk;

namespace Hardening.Tests.BadInput;

/// <summary>
/// Rows no handler can ever receive: each goes to dead letters at once (attempts 1, no handler) with a reason that
/// says what is wrong, and the next message of the same key is delivered after it.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class BadPayloadTests(SecuredPostgresFixture fixture) : IAsyncLifetime
{
    private readonly NpgsqlDataSource _dataSource = fixture.CreateDataSource();
    private readonly string _schema = PostgresFixture.NewName();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await fixture.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        await _dataSource.DisposeAsync();
    }

    public static TheoryData<string, string, byte[], string> Cases()
    {
        var ping = AvroSerializer.FingerprintOf<Ping>();
        var good = SingleObject(ping, AvroSerializer.Serialize(new Ping("k", 0)));
        return new()
        {
            // Not Avro at all: JSON where Avro was expected.
            { "json", "hardening.ping", """{"Key":"k","Seq":0}"""u8.ToArray(), "not Avro single-object encoded" },
            { "empty", "hardening.ping", [], "not Avro single-object encoded" },
            { "header cut short", "hardening.ping", good[..6], "not Avro single-object encoded" },
            // The header is right, the datum is cut off in the middle of the string.
            { "truncated datum", "hardening.ping", good[..(SingleObjectEncoding.HeaderLength + 1)], "cannot be read as Ping" },
            { "no datum", "hardening.ping", good[..SingleObjectEncoding.HeaderLength], "cannot be read as Ping" },
            { "trailing bytes", "hardening.ping", [.. good, 7, 7], "cannot be read as Ping" },
            // A string length of 2^62: must be refused, not allocated.
            { "hostile length", "hardening.ping", SingleObject(ping, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]), "cannot be read as Ping" },
            { "unknown fingerprint", "hardening.ping", SingleObject(42L, [2, 0x61, 0]), "nor registered" },
            { "unknown subject", "hardening.nobody", good, "No message type is registered for the subject 'hardening.nobody'" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_undecodable_row_is_dead_lettered_at_once_with_its_reason_and_its_key_flows_on(string name, string subject, byte[] payload, string reason)
    {
        var host = await HardeningHost.StartAsync(_schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o => o.DataSource = _dataSource);
        try
        {
            await InsertRawAsync(subject, payload);
            await Publisher.PublishAsync(host, _dataSource, new Ping("k", 1));

            var recorder = host.Services.GetRequiredService<Recorder>();
            await recorder.WaitForAsync(r => r.Seen.Count == 1, "the good message after the bad one");
            var letter = Assert.Single(await host.Services.GetRequiredService<IDeadLetters>().ListAsync());
            Assert.Equal((1, subject, "k", (string?)null), (letter.Attempts, letter.Subject, letter.PartitionKey, letter.Handler));
            Assert.Contains(reason, letter.Error, StringComparison.Ordinal);
            Assert.Equal(payload, await fixture.ScalarAsync<byte[]>($"SELECT payload FROM \"{_schema}\".dead_letters")); // kept for replay
            Assert.Equal(new Ping("k", 1), Assert.Single(recorder.Seen));
            Assert.Equal(0L, await fixture.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema}\".pending"));
            _ = name;
        }
        finally
        {
            await HardeningHost.StopAsync(host);
        }
    }

    [Fact]
    public async Task A_queued_row_whose_message_is_gone_is_reported_and_the_key_flows_on()
    {
        var logs = new LogSink();
        var host = await HardeningHost.StartAsync(_schema, s => s.AddOutboxSdkHardeningTestsOutboxTypes(), o => o.DataSource = _dataSource, logs);
        try
        {
            await Recorder.WaitUntilAsync(() => fixture.ScalarAsync<bool>($"SELECT to_regclass('\"{_schema}\".pending') IS NOT NULL"), "the relay's queue table");

            // A queue row without its message, as a hand-made DELETE or a partition dropped by hand leaves it; id 0
            // sorts before every real row, so the good message can only be delivered after it.
            await fixture.ExecuteAsync($"INSERT INTO \"{_schema}\".pending (id, created_at, partition_key) VALUES (0, now(), 'k')");
            await Publisher.PublishAsync(host, _dataSource, new Ping("k", 1));

            await host.Services.GetRequiredService<Recorder>().WaitForAsync(r => r.Seen.Count == 1, "the message after the missing one");
            Assert.Contains(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("row 0 ", StringComparison.Ordinal) && l.Contains("no longer exists", StringComparison.Ordinal));
        }
        finally
        {
            await HardeningHost.StopAsync(host);
        }
    }

    private async Task InsertRawAsync(string subject, byte[] payload)
    {
        await using var command = _dataSource.CreateCommand(
            $"INSERT INTO \"{_schema}\".messages (message_id, subject, partition_key, schema_fingerprint, payload) VALUES (gen_random_uuid(), $1, 'k', $2, $3)");
        command.Parameters.Add(new() { Value = subject });
        command.Parameters.Add(new() { Value = payload.Length >= SingleObjectEncoding.HeaderLength ? BitConverter.ToInt64(payload, 2) : 0L });
        command.Parameters.Add(new() { Value = payload });
        await command.ExecuteNonQueryAsync();
    }

    private static byte[] SingleObject(long fingerprint, byte[] datum)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SingleObjectEncoding.WriteHeader(buffer, fingerprint);
        buffer.Write(datum);
        return buffer.WrittenSpan.ToArray();
    }
}
