using System.Buffers.Binary;
using ChangeFeedTests.Shop;
using NpgsqlTypes;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Tests.Interop;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>The Debezium-shaped Avro envelope: decoded by our generic reader and by avsc, an independent implementation.</summary>
[Trait("Category", "Slow")]
[Trait("Group", "Interop")]
[Collection(AvscBridge.CollectionName)]
public sealed class EnvelopeTests(AvscBridge avsc)
{
    private static readonly DateTimeOffset Processed = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static readonly ChangeSource Source = new()
    {
        Schema = "shop",
        Table = "items",
        CommitLsn = new NpgsqlLogSequenceNumber(0x16B3748),
        Lsn = new NpgsqlLogSequenceNumber(0x16B3700),
        Ordinal = 3,
        TransactionId = 771,
        CommitTime = new DateTimeOffset(2026, 11, 21, 11, 59, 59, 123, TimeSpan.Zero),
        SlotName = "orders_slot",
        Database = "shopdb",
    };

    private static Change<Item> Update() => new(ChangeOperation.Update, RowDecodingTests.Minimal, BeforeImage.Full,
        new ChangeKey(["Id", "Version"], ["id", "version"], [RowDecodingTests.Minimal.Id, 1]), RowDecodingTests.Minimal with { Name = "renamed" }, Source);

    private static Change<Card> KeyOnlyDelete() => new(ChangeOperation.Delete, null, BeforeImage.Key,
        new ChangeKey(["Id"], ["id"], [42L]), null, Source with { Table = "cards" });

    [Fact]
    public void The_single_object_envelope_decodes_with_the_generic_reader()
    {
        var bytes = ChangeEnvelope.Encode(Update(), processedAt: Processed);

        Assert.True(SingleObjectEncoding.HasMarker(bytes));
        Assert.Equal(ChangeEnvelope.Schema<Item>().Fingerprint64, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(2)));
        var envelope = Assert.IsType<GenericRecord>(new GenericDatumReader(ChangeEnvelope.Schema<Item>()).Read(bytes.AsSpan(SingleObjectEncoding.HeaderLength)));
        Assert.Equal("u", envelope["op"]);
        Assert.Equal(Processed.ToUnixTimeMilliseconds(), envelope["ts_ms"]);
        Assert.Null(envelope["key"]);
        Assert.Equal("", ((GenericRecord)envelope["before"]!)["Name"]);
        Assert.Equal("renamed", ((GenericRecord)envelope["after"]!)["Name"]);
        var source = (GenericRecord)envelope["source"]!;
        Assert.Equal("outboxsdk", source["connector"]);
        Assert.Equal("orders_slot", source["name"]);
        Assert.Equal(Source.CommitTime.ToUnixTimeMilliseconds(), source["ts_ms"]);
        Assert.Equal("false", source["snapshot"]);
        Assert.Equal(("shopdb", "shop", "items"), (source["db"], source["schema"], source["table"]));
        Assert.Equal(771L, source["txId"]);
        Assert.Equal(0x16B3700L, source["lsn"]);
    }

    [Fact]
    public void A_key_only_delete_and_a_truncate_carry_no_invented_before_image()
    {
        var delete = (GenericRecord)new GenericDatumReader(ChangeEnvelope.Schema<Card>())
            .Read(ChangeEnvelope.Encode(KeyOnlyDelete(), ChangeEnvelopeFormat.Binary, Processed))!;
        Assert.Equal("d", delete["op"]);
        Assert.Null(delete["before"]);
        Assert.Null(delete["after"]);
        Assert.Equal(new Dictionary<string, object?> { ["id"] = "42" }, (IDictionary<string, object?>)delete["key"]!);

        var truncate = (GenericRecord)new GenericDatumReader(ChangeEnvelope.Schema<Card>())
            .Read(ChangeEnvelope.Encode(new Truncated<Card>(Source with { Table = "cards" }, false, false), ChangeEnvelopeFormat.Binary, Processed))!;
        Assert.Equal("t", truncate["op"]);
        Assert.Null(truncate["before"]);
        Assert.Null(truncate["after"]);
    }

    [Fact]
    public void Avsc_decodes_the_envelopes_of_every_operation()
    {
        var insert = new Change<Item>(ChangeOperation.Insert, null, BeforeImage.None, Update().Key, RowDecodingTests.Full, Source);
        var read = new Change<Item>(ChangeOperation.Read, null, BeforeImage.None, Update().Key, RowDecodingTests.Minimal, Source with { Snapshot = true });
        var delete = new Change<Item>(ChangeOperation.Delete, RowDecodingTests.Full, BeforeImage.Full, Update().Key, null, Source);
        var datums = new[] { insert, Update(), delete, read }.Select(c => ChangeEnvelope.Encode(c, ChangeEnvelopeFormat.Binary, Processed)).ToList();

        var decoded = avsc.Decode(ChangeEnvelope.SchemaJson<Item>(), datums);

        Assert.Equal(4, decoded.Count);
        Assert.Contains("\"op\":\"c\"", decoded[0], StringComparison.Ordinal);
        Assert.Contains("\"before\":null", decoded[0], StringComparison.Ordinal);
        Assert.Contains("Zürich — 東京 🚀 'quoted'", decoded[0], StringComparison.Ordinal);
        Assert.Contains("\"op\":\"u\"", decoded[1], StringComparison.Ordinal);
        Assert.Contains("\"Name\":\"renamed\"", decoded[1], StringComparison.Ordinal);
        Assert.Contains("\"op\":\"d\"", decoded[2], StringComparison.Ordinal);
        Assert.Contains("\"after\":null", decoded[2], StringComparison.Ordinal);
        Assert.Contains("\"op\":\"r\"", decoded[3], StringComparison.Ordinal);
        Assert.Contains("\"snapshot\":\"true\"", decoded[3], StringComparison.Ordinal);
        Assert.All(decoded, d => Assert.Contains("\"connector\":\"outboxsdk\"", d, StringComparison.Ordinal));
        Assert.All(decoded, d => Assert.Contains("\"txId\":{\"long\":771}", d, StringComparison.Ordinal));

        var cards = avsc.Decode(ChangeEnvelope.SchemaJson<Card>(),
            [ChangeEnvelope.Encode(KeyOnlyDelete(), ChangeEnvelopeFormat.Binary, Processed)]);
        Assert.Contains("\"key\":{\"map\":{\"id\":\"42\"}}", Assert.Single(cards), StringComparison.Ordinal);
    }

    [Fact]
    public void The_envelope_schema_embeds_the_entity_schema_and_is_canonical_for_avsc_too()
    {
        var schema = (RecordSchema)ChangeEnvelope.Schema<Item>();

        Assert.Equal(["before", "after", "source", "op", "ts_ms", "key"], schema.Fields.Select(f => f.Name));
        Assert.Equal(ChangeEnvelope.Schema<Item>().ToCanonicalForm(), avsc.Canonical(ChangeEnvelope.SchemaJson<Item>()));
    }
}
