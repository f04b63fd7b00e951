using System.Buffers;
using System.Text.Json.Nodes;
using Hardening.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.Avro;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Generated;
using OutboxSdk.Migrations;
using OutboxSdk.Registration;
using OutboxSdk.Schema;
using OutboxSdk.SchemaRegistry;

namespace Hardening.Tests.Fuzz;

/// <summary>
/// The decoders a stored payload meets, fed random and mutated bytes. Each may only return or throw its
/// documented exception (AvroException for the Avro layer, OutboxDecodeException for the registry, which the
/// relay turns into a dead letter), never hang, and never allocate what a hostile length prefix asks for.
/// </summary>
[Collection(SecuredPostgresCollection.Name)]
public sealed class AvroDecoderFuzzTests(SecuredPostgresFixture fixture)
{
    private const int Inputs = 3000;

    private static readonly AvroSchema Current = AvroSerializer.ParsedSchemaOf<RichMessage>();

    // An earlier version without Note and MaybeInt (the current type gives them defaults): data of it takes the resolution path.
    private static readonly AvroSchema Older = OlderSchema();

    [Fact]
    public Task The_single_object_header_reader_refuses_bad_headers_with_an_avro_exception() =>
        FuzzRunner.RunAsync(FuzzInputs.For(1, SingleObjects(), Inputs), bytes => SingleObjectEncoding.ReadHeader(bytes, out _), [typeof(AvroException)]);

    [Fact]
    public Task The_generated_decoder_of_a_rich_type_refuses_bad_data_with_an_avro_exception() =>
        FuzzRunner.RunAsync(FuzzInputs.For(2, Datums(), Inputs), bytes => AvroSerializer.Deserialize<RichMessage>(bytes), [typeof(AvroException)]);

    [Fact]
    public Task Resolving_an_older_version_refuses_bad_data_with_an_avro_exception()
    {
        var resolver = new SchemaVersionResolver(Current);
        return FuzzRunner.RunAsync(FuzzInputs.For(3, OlderDatums(), Inputs), bytes =>
        {
            resolver.Reencode(bytes, Older);
            AvroSerializer.Deserialize<RichMessage>(bytes, Older);
        }, [typeof(AvroException)]);
    }

    [Fact]
    public async Task The_schema_registry_turns_every_bad_payload_into_an_outbox_decode_exception()
    {
        var schema = PostgresFixture.NewName();
        await using var dataSource = fixture.CreateDataSource();
        try
        {
            await new OutboxMigrator(dataSource, schema).MigrateAsync();
            await using (var command = dataSource.CreateCommand(OutboxSchema.RegisterSchemaSql(schema)))
            {
                command.Parameters.Add(new() { Value = Older.Fingerprint64 });
                command.Parameters.Add(new() { Value = "hardening.rich" });
                command.Parameters.Add(new() { Value = Older.ToCanonicalForm() });
                command.Parameters.Add(new() { Value = Older.ToString() });
                await command.ExecuteNonQueryAsync();
            }

            var services = new ServiceCollection().AddOutboxSdkHardeningTestsOutboxTypes().BuildServiceProvider();
            var registry = new OutboxSchemaRegistry(services.GetRequiredService<OutboxTypeRegistry>(), dataSource, schema);
            var valid = SingleObjects().Concat(OlderDatums().Select(d => SingleObject(Older.Fingerprint64, d))).ToList();
            // The baseline decodes: an older payload resolves, Note taking its default.
            var older = Assert.IsType<RichMessage>(await registry.DecodeAsync("hardening.rich", valid[^1]));
            Assert.Equal(("id-3", null, 2), (older.Id, older.Note, older.Lines.Count));

            // Fewer inputs: a random fingerprint costs a query.
            await FuzzRunner.RunAsync(FuzzInputs.For(4, valid, 1000),
                bytes => registry.DecodeAsync("hardening.rich", bytes).AsTask().GetAwaiter().GetResult(), [typeof(OutboxDecodeException)]);
        }
        finally
        {
            await fixture.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        }
    }

    [Fact]
    public void A_hostile_string_length_is_refused_without_allocating_it()
    {
        // Id's length prefix claims 2^62 bytes; the reader must see that fewer remain.
        byte[] hostile = [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x61];
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.ThrowsAny<AvroException>(() => AvroSerializer.Deserialize<RichMessage>(hostile));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, FuzzRunner.MaxAllocatedBytes);
    }

    private static List<byte[]> Datums() => [.. Enumerable.Range(0, 4).Select(i => AvroSerializer.Serialize(RichMessage.Sample(i)))];

    private static List<byte[]> SingleObjects() => [.. Datums().Select(d => SingleObject(AvroSerializer.FingerprintOf<RichMessage>(), d))];

    // The samples as the older version wrote them: resolved from the current schema into the older one.
    private static List<byte[]> OlderDatums()
    {
        var toOlder = new GenericDatumReader(Current, Older);
        return [.. Datums().Select(d => GenericDatumWriter.ToArray(Older, toOlder.Read(d)))];
    }

    private static byte[] SingleObject(long fingerprint, byte[] datum)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SingleObjectEncoding.WriteHeader(buffer, fingerprint);
        buffer.Write(datum);
        return buffer.WrittenSpan.ToArray();
    }

    private static AvroSchema OlderSchema()
    {
        var json = JsonNode.Parse(AvroSerializer.SchemaOf<RichMessage>())!.AsObject();
        var fields = json["fields"]!.AsArray();
        foreach (var name in new[] { "Note", "MaybeInt" })
        {
            fields.Remove(fields.First(f => (string?)f!["name"] == name));
        }

        return AvroSchema.Parse(json.ToJsonString());
    }
}
