using OutboxSdk.Avro.Compatibility;
using OutboxSdk.Avro.Schema;

namespace OutboxSdk.Avro.Tests.Compatibility;

/// <summary>Parsing and assertion helpers shared by the compatibility tests.</summary>
internal static class CompatibilityAssert
{
    public static AvroSchema S(string json) => AvroSchema.Parse(json);

    public static void Compatible(string reader, string writer)
    {
        var result = SchemaCompatibility.CanRead(S(reader), S(writer));
        Assert.True(result.IsCompatible, "expected compatible, got:\n" + result);
        Assert.Empty(result.Incompatibilities);
    }

    /// <summary>Asserts exactly one incompatibility and returns it.</summary>
    public static Incompatibility Single(string reader, string writer, IncompatibilityKind kind, string path)
    {
        var result = SchemaCompatibility.CanRead(S(reader), S(writer));
        Assert.False(result.IsCompatible, "expected incompatible");
        var incompatibility = Assert.Single(result.Incompatibilities);
        Assert.Equal(kind, incompatibility.Kind);
        Assert.Equal(path, incompatibility.ReaderPath);
        return incompatibility;
    }

    public static CompatibilityResult Incompatible(string reader, string writer)
    {
        var result = SchemaCompatibility.CanRead(S(reader), S(writer));
        Assert.False(result.IsCompatible, "expected incompatible");
        Assert.NotEmpty(result.Incompatibilities);
        return result;
    }

    public static string Record(string name, params string[] fields) =>
        "{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[" + string.Join(",", fields) + "]}";

    public static string Field(string name, string type) => "{\"name\":\"" + name + "\",\"type\":" + type + "}";

    public static string Field(string name, string type, string defaultJson) =>
        "{\"name\":\"" + name + "\",\"type\":" + type + ",\"default\":" + defaultJson + "}";
}
