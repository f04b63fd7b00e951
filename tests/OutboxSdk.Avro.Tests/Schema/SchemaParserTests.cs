using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Schema;

public sealed class SchemaParserTests
{
    [Theory]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"},{"name":"c","type":{"type":"array","items":"nope"}}]}""", "fields[2].type.items", "unknown type 'nope'")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":["int",["string"]]}]}""", "fields[0].type[1]", "may not immediately contain another union")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":["int","int"]}]}""", "fields[0].type[1]", "already has a branch of type 'int'")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]}""", "fields[1].name", "already has a field named 'a'")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"1a","type":"int"}]}""", "fields[0].name", "not a valid field name")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}""", "fields[0].default", "is not a valid int")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":2147483648}]}""", "fields[0].default", "not a valid int")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":2},"default":"abc"}]}""", "fields[0].default", "2 code points")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"bytes","default":"\u0100"}]}""", "fields[0].default", "code points 0-255")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A","A"]}""", "symbols[1]", "appears twice")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A","B"],"default":"C"}""", "default", "not one of the symbols")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A-1"]}""", "symbols[0]", "not a valid symbol")]
    [InlineData("""{"type":"fixed","name":"F","size":-1}""", "size", "non-negative integer")]
    [InlineData("""{"type":"fixed","name":"F"}""", "", "\"size\" attribute is missing")]
    [InlineData("""{"type":"record","name":"int","fields":[]}""", "name", "primitive type name")]
    [InlineData("""{"type":"record","name":"a.b-c","fields":[]}""", "name", "not a valid name")]
    [InlineData("""{"type":"array"}""", "", "\"items\" attribute is missing")]
    [InlineData("""{"type":"map","values":{"type":"record","name":"V","fields":[{"name":"x"}]}}""", "values.fields[0]", "\"type\" attribute is missing")]
    [InlineData("""[{"type":"record","name":"A","fields":[]},{"type":"record","name":"A","fields":[]}]""", "[1].name", "already defined")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"up"}]}""", "fields[0].order", "not a sort order")]
    [InlineData("""{"name":"R"}""", "", "no \"type\" attribute")]
    [InlineData("""42""", "", "not the number 42")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"r","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]},"default":{}}]}""", "fields[0].default", "no value for field 'x'")]
    public void Invalid_schemas_name_the_path_of_the_problem(string json, string path, string reason)
    {
        var error = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse(json));
        Assert.Equal(path, error.Path);
        Assert.Contains(reason.Replace("not the number", "the number", StringComparison.Ordinal), error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_says_where()
    {
        var error = Assert.Throws<AvroSchemaException>(() => AvroSchema.Parse("{\"type\": \"record\",\n \"name\": }"));
        Assert.Contains("not valid JSON at line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_resolve_against_the_enclosing_namespace()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""
            {"type":"record","name":"Outer","namespace":"a.b","fields":[
              {"name":"inner","type":{"type":"record","name":"Inner","fields":[]}},
              {"name":"again","type":"Inner"},
              {"name":"full","type":"a.b.Inner"},
              {"name":"other","type":{"type":"enum","name":"x.E","symbols":["A"]}},
              {"name":"nulls","type":{"type":"fixed","name":"F","namespace":"","size":1}},
              {"name":"nullRef","type":"F"}
            ]}
            """);
        Assert.Equal("a.b.Outer", schema.FullName);
        Assert.Equal("a.b.Inner", ((RecordSchema)schema.Fields[0].Schema).FullName);
        Assert.Same(schema.Fields[0].Schema, schema.Fields[1].Schema);
        Assert.Same(schema.Fields[0].Schema, schema.Fields[2].Schema);
        Assert.Equal("x.E", ((EnumSchema)schema.Fields[3].Schema).FullName);
        Assert.Equal("F", ((FixedSchema)schema.Fields[4].Schema).FullName);
        Assert.Same(schema.Fields[4].Schema, schema.Fields[5].Schema);
        var reparsed = AvroSchema.Parse(schema.ToString());
        Assert.Equal(schema.ToCanonicalForm(), reparsed.ToCanonicalForm());
    }

    [Fact]
    public void Recursive_records_refer_to_themselves()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""
            {"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]}]}
            """);
        var next = (UnionSchema)schema.Fields[1].Schema;
        Assert.Same(schema, next.Branches[1]);
        Assert.Equal("""{"name":"Node","type":"record","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]}]}""",
            schema.ToCanonicalForm());
    }

    [Theory]
    [InlineData("""{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}""", LogicalTypeKind.Decimal)]
    [InlineData("""{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":18}""", LogicalTypeKind.Decimal)]
    [InlineData("""{"type":"string","logicalType":"uuid"}""", LogicalTypeKind.Uuid)]
    [InlineData("""{"type":"fixed","name":"U","size":16,"logicalType":"uuid"}""", LogicalTypeKind.Uuid)]
    [InlineData("""{"type":"int","logicalType":"date"}""", LogicalTypeKind.Date)]
    [InlineData("""{"type":"int","logicalType":"time-millis"}""", LogicalTypeKind.TimeMillis)]
    [InlineData("""{"type":"long","logicalType":"time-micros"}""", LogicalTypeKind.TimeMicros)]
    [InlineData("""{"type":"long","logicalType":"timestamp-millis"}""", LogicalTypeKind.TimestampMillis)]
    [InlineData("""{"type":"long","logicalType":"timestamp-micros"}""", LogicalTypeKind.TimestampMicros)]
    [InlineData("""{"type":"long","logicalType":"timestamp-nanos"}""", LogicalTypeKind.TimestampNanos)]
    [InlineData("""{"type":"long","logicalType":"local-timestamp-millis"}""", LogicalTypeKind.LocalTimestampMillis)]
    [InlineData("""{"type":"long","logicalType":"local-timestamp-micros"}""", LogicalTypeKind.LocalTimestampMicros)]
    [InlineData("""{"type":"long","logicalType":"local-timestamp-nanos"}""", LogicalTypeKind.LocalTimestampNanos)]
    [InlineData("""{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}""", LogicalTypeKind.Duration)]
    public void Valid_logical_types_are_recognised_and_printed(string json, LogicalTypeKind kind)
    {
        var schema = AvroSchema.Parse(json);
        Assert.Equal(kind, schema.LogicalType?.Kind);
        var reparsed = AvroSchema.Parse(schema.ToString());
        Assert.Equal(schema.LogicalType, reparsed.LogicalType);
        Assert.DoesNotContain("logicalType", schema.ToCanonicalForm(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"bytes","logicalType":"decimal","precision":2,"scale":3}""")]
    [InlineData("""{"type":"bytes","logicalType":"decimal"}""")]
    [InlineData("""{"type":"fixed","name":"D","size":2,"logicalType":"decimal","precision":5}""")]
    [InlineData("""{"type":"string","logicalType":"date"}""")]
    [InlineData("""{"type":"fixed","name":"U","size":15,"logicalType":"uuid"}""")]
    [InlineData("""{"type":"int","logicalType":"timestamp-millis"}""")]
    [InlineData("""{"type":"long","logicalType":"no-such-type"}""")]
    public void Invalid_or_unknown_logical_types_are_ignored_as_the_spec_says(string json)
    {
        var schema = AvroSchema.Parse(json);
        Assert.Null(schema.LogicalType);
        Assert.True(schema.Properties.ContainsKey("logicalType"));
        Assert.Contains("logicalType", schema.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Fixed_decimal_precision_is_bounded_by_its_size()
    {
        Assert.Equal(2, LogicalType.MaxDecimalPrecision(1));
        Assert.Equal(18, LogicalType.MaxDecimalPrecision(8));
        Assert.Equal(38, LogicalType.MaxDecimalPrecision(16));
    }

    [Fact]
    public void Union_defaults_may_match_any_branch_as_in_avro_1_12()
    {
        var schema = (RecordSchema)AvroSchema.Parse("""
            {"type":"record","name":"R","fields":[{"name":"a","type":["null","string"],"default":"x"},{"name":"b","type":["null","int"],"default":null}]}
            """);
        Assert.Equal("x", Json.AvroJson.ReadDefault(schema.Fields[0]));
        Assert.Null(Json.AvroJson.ReadDefault(schema.Fields[1]));
    }

    [Fact]
    public void Custom_properties_docs_aliases_and_order_survive_printing()
    {
        const string json = """{"type":"record","name":"R","namespace":"n","doc":"a record","aliases":["Old"],"x-owner":"team","fields":[{"name":"a","type":{"type":"long","x-unit":"ms"},"doc":"d","default":5,"order":"descending","aliases":["b"],"x-pii":true}]}""";
        var schema = (RecordSchema)AvroSchema.Parse(json);
        Assert.Equal("a record", schema.Doc);
        Assert.Equal("n.Old", schema.Aliases[0].FullName);
        Assert.Equal("\"team\"", schema.Properties["x-owner"]);
        var field = schema.Fields[0];
        Assert.Equal(SortOrder.Descending, field.Order);
        Assert.Equal("true", field.Properties["x-pii"]);
        Assert.Equal("\"ms\"", field.Schema.Properties["x-unit"]);
        var printed = (RecordSchema)AvroSchema.Parse(schema.ToString());
        Assert.Equal(schema.ToString(), printed.ToString());
    }
}
