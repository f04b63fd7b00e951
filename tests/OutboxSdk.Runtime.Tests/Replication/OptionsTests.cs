using Microsoft.Extensions.Options;
using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace Replication.Tests;

/// <summary>Replication options are checked at startup with messages that name the option and the fix.</summary>
public sealed class OptionsTests
{
    private const string Valid = "Host=localhost;Database=app";

    private static ValidateOptionsResult Validate(Action<OutboxOptions> configure)
    {
        var options = new OutboxOptions { ConnectionString = Valid, RelayMode = RelayMode.Replication };
        configure(options);
        return new OutboxOptionsValidator().Validate(null, options);
    }

    private static string Failure(Action<OutboxOptions> configure) => string.Join("\n", Validate(configure).Failures ?? []);

    [Fact]
    public void The_replication_relay_is_accepted_with_its_defaults()
    {
        Assert.True(Validate(_ => { }).Succeeded);
        Assert.True(Validate(o => o.Replication.WriteMode = OutboxWriteMode.LogicalMessage).Succeeded);
    }

    [Fact]
    public void Bad_names_and_sizes_are_refused_naming_the_option()
    {
        Assert.Contains("OutboxOptions.Replication.SlotName", Failure(o => o.Replication.SlotName = "Orders-Slot"), StringComparison.Ordinal);
        Assert.Contains("lower-case letters", Failure(o => o.Replication.SlotName = "Orders-Slot"), StringComparison.Ordinal);
        Assert.Contains("OutboxOptions.Replication.PublicationName", Failure(o => o.Replication.PublicationName = "a\"b"), StringComparison.Ordinal);
        Assert.Contains("StreamBufferBytes must be at least 65536", Failure(o => o.Replication.StreamBufferBytes = 1000), StringComparison.Ordinal);
        Assert.Contains("HeartbeatInterval must be positive", Failure(o => o.Replication.HeartbeatInterval = TimeSpan.Zero), StringComparison.Ordinal);
        Assert.Contains("StandbyRetryInterval must be positive", Failure(o => o.Replication.StandbyRetryInterval = TimeSpan.Zero), StringComparison.Ordinal);
    }

    [Fact]
    public void Table_less_writes_need_the_replication_relay()
    {
        var message = Failure(o => { o.RelayMode = RelayMode.Notify; o.Replication.WriteMode = OutboxWriteMode.LogicalMessage; });
        Assert.Contains("only the Replication relay can deliver it", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("outbox", "outbox_outbox")]
    [InlineData("orders_2", "outbox_orders_2")]
    public void The_default_slot_of_earlier_versions_is_outbox_and_the_schema(string schema, string slot) => Assert.Equal(slot, ReplicationNames.LegacySlot(schema));

    [Theory]
    [InlineData("outbox", "shop", "outbox_outbox_shop_")]
    [InlineData("Orders", "Billing-EU", "outbox_orders_billing_eu_")]
    public void The_default_slot_names_schema_and_database_and_ends_with_their_hash(string schema, string database, string prefix)
    {
        var slot = ReplicationNames.DefaultSlot(schema, database);

        Assert.StartsWith(prefix, slot, StringComparison.Ordinal);
        Assert.Equal(prefix.Length + 8, slot.Length);
        Assert.Null(ReplicationNames.SlotProblem(slot));
        Assert.NotEqual(slot, ReplicationNames.DefaultSlot(schema, database + "2")); // two databases of one cluster
        Assert.NotEqual(ReplicationNames.DefaultSlot("a_b", "c"), ReplicationNames.DefaultSlot("a", "b_c")); // fold alike, hash apart
    }

    [Fact]
    public void A_schema_outside_the_slot_alphabet_gets_a_valid_distinct_default_slot()
    {
        var spaced = ReplicationNames.DefaultSlot("My Schema", "postgres");
        var folded = ReplicationNames.DefaultSlot("my_schema", "postgres");
        var long1 = ReplicationNames.DefaultSlot(new string('a', 60) + "1", "postgres");
        var long2 = ReplicationNames.DefaultSlot(new string('a', 60) + "2", "postgres");

        Assert.Null(ReplicationNames.SlotProblem(spaced));
        Assert.Null(ReplicationNames.SlotProblem(long1));
        Assert.NotEqual(spaced, folded);
        Assert.NotEqual(long1, long2);
    }

    [Fact]
    public void Table_less_framing_round_trips_and_rejects_truncated_or_hostile_input()
    {
        var id = Guid.NewGuid();
        var content = LogicalMessageFraming.Encode(id, "repl.order-step", "key-1", 42, """{"message_id":"x","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}""", [1, 2, 3]);
        var time = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        var message = LogicalMessageFraming.Decode(content, time);

        Assert.Equal((id, "repl.order-step", "key-1", 42L, time), (message.MessageId, message.Subject, message.PartitionKey, message.Fingerprint, message.CreatedAt));
        Assert.Equal([1, 2, 3], message.Payload);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", message.TraceParent);
        for (var length = 0; length < content.Length - 3; length++)
        {
            Assert.Throws<FormatException>(() => LogicalMessageFraming.Decode(content.AsSpan(0, length), time));
        }

        var hostile = (byte[])content.Clone();
        hostile[26 + 2 + 15] = 0x7f; // the key's length prefix claims ~2 GB
        Assert.Throws<FormatException>(() => LogicalMessageFraming.Decode(hostile, time));
    }
}
