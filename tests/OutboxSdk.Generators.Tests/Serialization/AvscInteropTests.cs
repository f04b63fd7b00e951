using System.Buffers;
using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Json;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Avro.Tests.Interop;

namespace OutboxSdk.Serialization.Tests;

/// <summary>
/// avsc, an independent Avro implementation, against the generated serializers: it decodes our bytes with the
/// emitted schema, and its encoding of the same datum is our bytes exactly. One bridge call per schema and
/// direction, every value of the schema in it.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Group", "Interop")]
[Collection(AvscBridge.CollectionName)]
public sealed class AvscInteropTests(AvscBridge avsc)
{
    private static readonly Dictionary<string, Case> Cases = new[]
    {
        Case.Of(ScalarTests.Sample("typical"), ScalarTests.Sample("extremes"), ScalarTests.Sample("empty")),
        Case.Of(new Serial.Scalars.NullableScalars(), new Serial.Scalars.NullableScalars { Text = "t", Amount = -1.25m, At = DateTime.UnixEpoch, Priority = Serial.Scalars.Priority.High }),
        Case.Of(new Serial.Scalars.Decimals { Small = -999.99m, Whole = 9999999999999999999999999999m, Fraction = 0.1m, Defaulted = -12.5m }, new Serial.Scalars.Decimals()),
        Case.Of(CollectionTests.Full(), new Serial.Collections.AllCollections()),
        Case.Of(new Serial.Shapes.ClassMembers { Required = "r", InitOnly = 1, Settable = "s", Field = -1 }),
        Case.Of(new Serial.Shapes.Segment(new(1, 2), new(3, 4), null, new(0.5, 1e300))),
        Case.Of(new Serial.Shapes.Node(1, new Serial.Shapes.Node(2, null))),
        Case.Of(new Serial.Shapes.Tree("root", [new Serial.Shapes.Tree("leaf", [])])),
        Case.Of(new Serial.Attributes.ProfileChanged { CustomerId = Guid.NewGuid(), DisplayName = "ü", Locale = null, Tier = Serial.Attributes.Tier.Silver }),
        Case.Of(new Serial.Evolution.V2.Evolving("i", "t", Serial.Evolution.V2.Shade.Blue) { Comment = "c" }),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string> Names() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Avsc_decodes_our_bytes_to_the_datums_we_meant(string name)
    {
        var c = Cases[name];
        var decoded = avsc.Decode(c.SchemaJson, c.Datums);
        Assert.Equal(c.Datums.Count, decoded.Count);
        for (var i = 0; i < decoded.Count; i++)
        {
            var theirs = AvroJson.Deserialize(c.Schema, decoded[i]);
            Assert.True(GenericEquality.AreEqual(c.Generic[i], theirs), $"#{i}: avsc read {decoded[i]}, we meant {c.Json[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Avsc_encodes_the_same_datums_to_our_bytes(string name)
    {
        var c = Cases[name];
        var encoded = avsc.Encode(c.SchemaJson, c.Json);
        Assert.Equal(c.Datums.Select(Convert.ToHexString), encoded.Select(Convert.ToHexString));
    }

    [Fact]
    public void Avsc_computes_our_compile_time_canonical_forms()
    {
        var cases = Cases.Values.ToList();
        Assert.Equal(cases.Select(c => c.Canonical), avsc.CanonicalAll(cases.Select(c => c.SchemaJson)));
    }

    [Fact]
    public void Single_object_encoding_matches_avsc_fingerprint_and_encoding()
    {
        var value = ScalarTests.Sample("typical");
        var ours = new ArrayBufferWriter<byte>();
        AvroSerializer.SerializeSingleObject(value, ours);

        var c = Cases[nameof(Serial.Scalars.AllScalars)];
        var rabin = Convert.FromHexString(avsc.Fingerprint(c.SchemaJson, "rabin"));
        var datum = avsc.Encode(c.SchemaJson, [c.Json[0]])[0];
        Assert.Equal(Convert.ToHexString([0xC3, 0x01, .. rabin, .. datum]), Convert.ToHexString(ours.WrittenSpan));
        DeepEqualRoundTrip(value, AvroSerializer.DeserializeSingleObject<Serial.Scalars.AllScalars>(ours.WrittenSpan));
    }

    private static void DeepEqualRoundTrip(object expected, object actual) => Support.DeepEqual.Assert(expected, actual);

    private sealed record Case(string Name, string SchemaJson, string Canonical, AvroSchema Schema, List<byte[]> Datums, List<object?> Generic, List<string> Json)
    {
        public static Case Of<T>(params T[] values) where T : IAvroSerializable<T>
        {
            var schema = AvroSerializer.ParsedSchemaOf<T>();
            var datums = values.Select(v => AvroSerializer.Serialize(v)).ToList();
            var reader = new GenericDatumReader(schema);
            var generic = datums.Select(d => reader.Read(d)).ToList();
            return new Case(typeof(T).Name, T.AvroSchemaJson, T.AvroCanonicalForm, schema, datums, generic, generic.Select(g => AvroJson.Serialize(schema, g)).ToList());
        }
    }
}
