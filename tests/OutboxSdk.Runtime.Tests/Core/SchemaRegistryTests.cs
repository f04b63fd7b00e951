using System.Buffers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Json;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Generated;
using OutboxSdk.Registration;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk.Schema;
using OutboxSdk.SchemaRegistry;

namespace OutboxSdk.Runtime.Tests.Core;

[Collection(PostgresCollection.Name)]
public sealed class SchemaRegistryTests(PostgresFixture db) : IAsyncLifetime
{
    private readonly NpgsqlDataSource _dataSource = db.CreateDataSource();
    private readonly string _schema = PostgresFixture.NewSchemaName();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task Startup_registers_every_generated_schema_once_as_version_1()
    {
        using (var host = await CoreHost.StartAsync(_dataSource, _schema))
        {
            await host.StopAsync();
        }

        using (var again = await CoreHost.StartAsync(_dataSource, _schema))
        {
            await again.StopAsync();
        }

        var rows = await SchemaRowsAsync();
        Assert.Equal(
            [
                ("core.audit", 1, AvroSerializer.FingerprintOf<CoreAudit>(), AvroSerializer.ParsedSchemaOf<CoreAudit>().ToCanonicalForm(), AvroSerializer.SchemaOf<CoreAudit>()),
                ("core.order-placed", 1, AvroSerializer.FingerprintOf<CoreOrderPlaced>(), AvroSerializer.ParsedSchemaOf<CoreOrderPlaced>().ToCanonicalForm(), AvroSerializer.SchemaOf<CoreOrderPlaced>()),
            ],
            rows.Where(r => r.Subject.StartsWith("core.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_generated_fingerprint_is_found_without_the_database()
    {
        var registry = await RegistryAsync(migrate: false); // no tables: a query would fail

        var schema = await registry.FindAsync(AvroSerializer.FingerprintOf<CoreOrderPlaced>());

        Assert.Equal(AvroSerializer.FingerprintOf<CoreOrderPlaced>(), schema?.Fingerprint64);
    }

    [Fact]
    public async Task A_payload_of_the_generated_schema_decodes_to_its_type()
    {
        var registry = await RegistryAsync(migrate: false);
        var message = new CoreOrderPlaced(Guid.NewGuid(), "c1", 4);

        var decoded = await registry.DecodeAsync("core.order-placed", SingleObject(message));

        Assert.Equal(message, decoded);
    }

    [Fact]
    public async Task A_payload_of_an_older_registered_schema_is_resolved_to_the_current_type()
    {
        var registry = await RegistryAsync(migrate: true);
        var older = OlderOrderPlacedSchema();
        await RegisterAsync(older);
        var orderId = Guid.NewGuid();
        var datum = AvroJson.Deserialize(older, $$"""{"OrderId": "{{orderId}}", "CustomerId": "c9"}""");
        var buffer = new ArrayBufferWriter<byte>();
        SingleObjectEncoding.WriteHeader(buffer, older);
        GenericDatumWriter.Write(older, datum, buffer);

        var decoded = await registry.DecodeAsync("core.order-placed", buffer.WrittenMemory);

        Assert.Equal(new CoreOrderPlaced(orderId, "c9", 1), decoded); // Quantity from its default
        Assert.Equal(older.Fingerprint64, (await registry.FindAsync(older.Fingerprint64))?.Fingerprint64);
    }

    [Fact]
    public async Task An_unknown_fingerprint_is_a_decode_error_naming_it()
    {
        var registry = await RegistryAsync(migrate: true);
        var buffer = new ArrayBufferWriter<byte>();
        SingleObjectEncoding.WriteHeader(buffer, 12345L);
        buffer.Write(new byte[] { 0 });

        Assert.Null(await registry.FindAsync(12345L));
        var e = await Assert.ThrowsAsync<OutboxDecodeException>(async () => await registry.DecodeAsync("core.order-placed", buffer.WrittenMemory));
        Assert.Equal(12345L, e.Fingerprint);
        Assert.Contains("12345", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_subject_and_bytes_without_the_header_are_decode_errors()
    {
        var registry = await RegistryAsync(migrate: false);

        var subject = await Assert.ThrowsAsync<OutboxDecodeException>(async () => await registry.DecodeAsync("core.nobody", SingleObject(new CoreAudit("x"))));
        var header = await Assert.ThrowsAsync<OutboxDecodeException>(async () => await registry.DecodeAsync("core.audit", new byte[] { 1, 2, 3 }));
        var corrupt = await Assert.ThrowsAsync<OutboxDecodeException>(async () => await registry.DecodeAsync("core.audit", SingleObject(new CoreAudit("x"))[..^2]));

        Assert.Contains("core.nobody", subject.Message, StringComparison.Ordinal);
        Assert.Contains("single-object", header.Message, StringComparison.Ordinal);
        Assert.Equal(AvroSerializer.FingerprintOf<CoreAudit>(), corrupt.Fingerprint);
    }

    private async Task<OutboxSchemaRegistry> RegistryAsync(bool migrate)
    {
        var services = new ServiceCollection();
        services.AddOutboxTypes(AreaRegistrations.Runtime);
        var types = services.BuildServiceProvider().GetRequiredService<OutboxTypeRegistry>();
        if (migrate)
        {
            await new Migrations.OutboxMigrator(_dataSource, _schema).MigrateAsync();
        }

        return new OutboxSchemaRegistry(types, _dataSource, _schema);
    }

    private static AvroSchema OlderOrderPlacedSchema()
    {
        var json = JsonNode.Parse(AvroSerializer.SchemaOf<CoreOrderPlaced>())!.AsObject();
        var fields = json["fields"]!.AsArray();
        fields.RemoveAt(fields.Count - 1);
        return AvroSchema.Parse(json.ToJsonString());
    }

    private async Task RegisterAsync(AvroSchema schema)
    {
        await using var command = _dataSource.CreateCommand(OutboxSchema.RegisterSchemaSql(_schema));
        command.Parameters.Add(new() { Value = schema.Fingerprint64 });
        command.Parameters.Add(new() { Value = "core.order-placed" });
        command.Parameters.Add(new() { Value = schema.ToCanonicalForm() });
        command.Parameters.Add(new() { Value = schema.ToString() });
        await command.ExecuteNonQueryAsync();
    }

    private static byte[] SingleObject<T>(T message) where T : IAvroSerializable<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        AvroSerializer.SerializeSingleObject(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private async Task<List<(string Subject, int Version, long Fingerprint, string CanonicalForm, string SchemaJson)>> SchemaRowsAsync()
    {
        await using var command = _dataSource.CreateCommand($"SELECT subject, version, fingerprint, canonical_form, schema_json FROM \"{_schema}\".schemas ORDER BY subject, version");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, int, long, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4)));
        }

        return rows;
    }
}
