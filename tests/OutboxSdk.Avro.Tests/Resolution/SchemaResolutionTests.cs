using OutboxSdk.Avro.Generic;
using OutboxSdk.Avro.Json;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Resolution;

/// <summary>Reading data written with one schema through another, per the spec's "Schema Resolution".</summary>
public sealed class SchemaResolutionTests
{
    private static object? Resolve(string writerSchema, string writerJson, string readerSchema)
    {
        var writer = AvroSchema.Parse(writerSchema);
        var bytes = GenericDatumWriter.ToArray(writer, AvroJson.Deserialize(writer, writerJson));
        var reader = AvroSchema.Parse(readerSchema);
        return new GenericDatumReader(writer, reader).Read(bytes);
    }

    private static string ResolveToJson(string writerSchema, string writerJson, string readerSchema) =>
        AvroJson.Serialize(AvroSchema.Parse(readerSchema), Resolve(writerSchema, writerJson, readerSchema));

    [Theory]
    [InlineData("\"int\"", "7", "\"long\"", 7L)]
    [InlineData("\"int\"", "7", "\"float\"", 7f)]
    [InlineData("\"int\"", "7", "\"double\"", 7d)]
    [InlineData("\"long\"", "9007199254740993", "\"double\"", 9007199254740992d)]
    [InlineData("\"long\"", "3", "\"float\"", 3f)]
    [InlineData("\"float\"", "1.5", "\"double\"", 1.5d)]
    [InlineData("\"string\"", "\"héllo\"", "\"string\"", "héllo")]
    public void Primitives_promote(string writer, string json, string reader, object expected)
    {
        Assert.Equal(expected, Resolve(writer, json, reader));
    }

    [Fact]
    public void Strings_and_bytes_read_as_each_other()
    {
        Assert.Equal("h\u00e9"u8.ToArray(), Resolve("\"string\"", "\"h\u00e9\"", "\"bytes\""));
        Assert.Equal("hé", Resolve("\"bytes\"", "\"h\u00c3\u00a9\"", "\"string\""));
    }

    [Fact]
    public void Narrowing_is_refused_when_the_reader_is_built()
    {
        var error = Assert.Throws<AvroResolutionException>(() => new GenericDatumReader(AvroSchema.Parse("\"long\""), AvroSchema.Parse("\"int\"")));
        Assert.Contains("cannot be read as the reader's int", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_reader_fields_take_their_defaults_and_extra_writer_fields_are_skipped()
    {
        const string writer = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"gone","type":{"type":"map","values":{"type":"array","items":"string"}}},{"name":"b","type":"string"}]}""";
        const string reader = """{"type":"record","name":"R","fields":[{"name":"b","type":"string"},{"name":"c","type":{"type":"array","items":"int"},"default":[1,2]},{"name":"a","type":"long"},{"name":"d","type":["null","string"],"default":null},{"name":"e","type":{"type":"record","name":"E","fields":[{"name":"x","type":"int"}]},"default":{"x":5}}]}""";
        Assert.Equal("""{"b":"B","c":[1,2],"a":1,"d":null,"e":{"x":5}}""",
            ResolveToJson(writer, """{"a":1,"gone":{"k":["v","w"]},"b":"B"}""", reader));
    }

    [Fact]
    public void A_reader_field_with_no_default_and_no_writer_field_is_an_error_naming_it()
    {
        var error = Assert.Throws<AvroResolutionException>(() => new GenericDatumReader(
            AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"""),
            AvroSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"total","type":"long"}]}""")));
        Assert.Equal("R.total", error.Path);
        Assert.Contains("'total'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_and_record_aliases_match_old_names()
    {
        const string writer = """{"type":"record","name":"old.Person","fields":[{"name":"fullname","type":"string"}]}""";
        const string reader = """{"type":"record","name":"Customer","namespace":"shop","aliases":["old.Person"],"fields":[{"name":"name","type":"string","aliases":["fullname"]}]}""";
        Assert.Equal("""{"name":"Ada"}""", ResolveToJson(writer, """{"fullname":"Ada"}""", reader));
    }

    [Fact]
    public void Records_of_different_names_do_not_match()
    {
        Assert.Throws<AvroResolutionException>(() => new GenericDatumReader(
            AvroSchema.Parse("""{"type":"record","name":"A","fields":[]}"""),
            AvroSchema.Parse("""{"type":"record","name":"B","fields":[]}""")));
    }

    [Fact]
    public void Unknown_enum_symbols_take_the_reader_default()
    {
        const string writer = """{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED","LOST"]}""";
        const string reader = """{"type":"enum","name":"Status","symbols":["UNKNOWN","SHIPPED","NEW","PAID"],"default":"UNKNOWN"}""";
        Assert.Equal("\"PAID\"", ResolveToJson(writer, "\"PAID\"", reader));
        Assert.Equal("\"UNKNOWN\"", ResolveToJson(writer, "\"LOST\"", reader));
    }

    [Fact]
    public void Unknown_enum_symbols_without_a_default_fail_when_such_data_arrives()
    {
        const string writer = """{"type":"enum","name":"S","symbols":["A","B"]}""";
        const string reader = """{"type":"enum","name":"S","symbols":["A"]}""";
        Assert.Equal("\"A\"", ResolveToJson(writer, "\"A\"", reader));
        var error = Assert.Throws<AvroResolutionException>(() => Resolve(writer, "\"B\"", reader));
        Assert.Contains("'B'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_writer_union_reads_into_a_plain_reader_branch_by_branch()
    {
        const string writer = """["null","int","string"]""";
        Assert.Equal(5L, Resolve(writer, """{"int":5}""", "\"long\""));
        var error = Assert.Throws<AvroResolutionException>(() => Resolve(writer, """{"string":"x"}""", "\"long\""));
        Assert.Contains("union branch string", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_writer_picks_the_reader_union_branch_that_matches_exactly_first()
    {
        Assert.Equal(3, Resolve("\"int\"", "3", """["null","long","int"]"""));
        Assert.Equal(3L, Resolve("\"int\"", "3", """["null","long"]"""));
        Assert.Throws<AvroResolutionException>(() => new GenericDatumReader(AvroSchema.Parse("\"string\""), AvroSchema.Parse("""["null","int"]""")));
    }

    [Fact]
    public void Unions_resolve_against_unions_and_named_branches_resolve_recursively()
    {
        const string writer = """["null",{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]}]""";
        const string reader = """["null",{"type":"record","name":"P","fields":[{"name":"x","type":"double"},{"name":"y","type":"int","default":-1}]}]""";
        // A double of 2 is written as the JSON number 2.
        Assert.Equal("""{"P":{"x":2,"y":-1}}""", ResolveToJson(writer, """{"P":{"x":2}}""", reader));
        Assert.Null(Resolve(writer, "null", reader));
    }

    [Fact]
    public void Fixed_must_agree_on_size()
    {
        Assert.Throws<AvroResolutionException>(() => new GenericDatumReader(
            AvroSchema.Parse("""{"type":"fixed","name":"F","size":4}"""), AvroSchema.Parse("""{"type":"fixed","name":"F","size":8}""")));
    }

    [Fact]
    public void Arrays_and_maps_resolve_their_items()
    {
        Assert.Equal("""{"a":[1,2]}""",
            ResolveToJson("""{"type":"map","values":{"type":"array","items":"int"}}""", """{"a":[1,2]}""",
                """{"type":"map","values":{"type":"array","items":"double"}}"""));
    }

    [Fact]
    public void Recursive_schemas_resolve()
    {
        const string writer = """{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}""";
        const string reader = """{"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]},{"name":"tag","type":"string","default":"t"}]}""";
        Assert.Equal("""{"v":1,"next":{"Node":{"v":2,"next":null,"tag":"t"}},"tag":"t"}""",
            ResolveToJson(writer, """{"v":1,"next":{"Node":{"v":2,"next":null}}}""", reader));
    }
}
