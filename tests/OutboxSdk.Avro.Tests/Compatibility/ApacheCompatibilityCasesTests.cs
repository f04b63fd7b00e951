using OutboxSdk.Avro.Compatibility;
using static OutboxSdk.Avro.Tests.Compatibility.CompatibilityAssert;

namespace OutboxSdk.Avro.Tests.Compatibility;

// The reader/writer pairs of Apache Avro's TestSchemaCompatibility, restated from the rules they exercise.
public class ApacheCompatibilityCasesTests
{
    private static readonly Dictionary<string, string> Schemas = new(StringComparer.Ordinal)
    {
        ["INT_ARRAY"] = "{\"type\":\"array\",\"items\":\"int\"}",
        ["LONG_ARRAY"] = "{\"type\":\"array\",\"items\":\"long\"}",
        ["INT_MAP"] = "{\"type\":\"map\",\"values\":\"int\"}",
        ["LONG_MAP"] = "{\"type\":\"map\",\"values\":\"long\"}",
        ["ENUM1_AB"] = "{\"type\":\"enum\",\"name\":\"Enum1\",\"symbols\":[\"A\",\"B\"]}",
        ["ENUM1_ABC"] = "{\"type\":\"enum\",\"name\":\"Enum1\",\"symbols\":[\"A\",\"B\",\"C\"]}",
        ["ENUM1_BC"] = "{\"type\":\"enum\",\"name\":\"Enum1\",\"symbols\":[\"B\",\"C\"]}",
        ["ENUM2_AB"] = "{\"type\":\"enum\",\"name\":\"Enum2\",\"symbols\":[\"A\",\"B\"]}",
        ["ENUM_ABC_DEFAULT_A"] = "{\"type\":\"enum\",\"name\":\"Enum1\",\"symbols\":[\"A\",\"B\",\"C\"],\"default\":\"A\"}",
        ["ENUM_AB_DEFAULT_A"] = "{\"type\":\"enum\",\"name\":\"Enum1\",\"symbols\":[\"A\",\"B\"],\"default\":\"A\"}",
        ["EMPTY_UNION"] = "[]",
        ["NULL_UNION"] = "[\"null\"]",
        ["INT_UNION"] = "[\"int\"]",
        ["LONG_UNION"] = "[\"long\"]",
        ["FLOAT_UNION"] = "[\"float\"]",
        ["DOUBLE_UNION"] = "[\"double\"]",
        ["STRING_UNION"] = "[\"string\"]",
        ["BYTES_UNION"] = "[\"bytes\"]",
        ["INT_STRING_UNION"] = "[\"int\",\"string\"]",
        ["STRING_INT_UNION"] = "[\"string\",\"int\"]",
        ["INT_FLOAT_UNION"] = "[\"int\",\"float\"]",
        ["INT_LONG_UNION"] = "[\"int\",\"long\"]",
        ["INT_LONG_FLOAT_DOUBLE_UNION"] = "[\"int\",\"long\",\"float\",\"double\"]",
        ["NULL_INT_ARRAY_UNION"] = "[\"null\",{\"type\":\"array\",\"items\":\"int\"}]",
        ["NULL_INT_MAP_UNION"] = "[\"null\",{\"type\":\"map\",\"values\":\"int\"}]",
        ["FIXED_4"] = "{\"type\":\"fixed\",\"name\":\"Fixed\",\"size\":4}",
        ["FIXED_8"] = "{\"type\":\"fixed\",\"name\":\"Fixed\",\"size\":8}",
        ["EMPTY_RECORD1"] = Record("Record1"),
        ["EMPTY_RECORD2"] = Record("Record2"),
        ["A_INT_RECORD1"] = Record("Record1", Field("a", "\"int\"")),
        ["A_LONG_RECORD1"] = Record("Record1", Field("a", "\"long\"")),
        ["A_INT_B_INT_RECORD1"] = Record("Record1", Field("a", "\"int\""), Field("b", "\"int\"")),
        ["A_DINT_RECORD1"] = Record("Record1", Field("a", "\"int\"", "0")),
        ["A_INT_B_DINT_RECORD1"] = Record("Record1", Field("a", "\"int\""), Field("b", "\"int\"", "0")),
        ["A_DINT_B_DINT_RECORD1"] = Record("Record1", Field("a", "\"int\"", "0"), Field("b", "\"int\"", "0")),
        ["INT_LIST_RECORD"] = "{\"type\":\"record\",\"name\":\"List\",\"fields\":[{\"name\":\"head\",\"type\":\"int\"}," +
            "{\"name\":\"tail\",\"type\":\"List\"}]}",
        ["LONG_LIST_RECORD"] = "{\"type\":\"record\",\"name\":\"List\",\"fields\":[{\"name\":\"head\",\"type\":\"long\"}," +
            "{\"name\":\"tail\",\"type\":\"List\"}]}",
    };

    public static TheoryData<string, string> CompatiblePairs => new()
    {
        { "INT_ARRAY", "INT_ARRAY" }, { "LONG_ARRAY", "INT_ARRAY" }, { "INT_MAP", "INT_MAP" }, { "LONG_MAP", "INT_MAP" },
        { "ENUM1_AB", "ENUM1_AB" }, { "ENUM1_ABC", "ENUM1_AB" }, { "ENUM_AB_DEFAULT_A", "ENUM1_ABC" },
        { "EMPTY_UNION", "EMPTY_UNION" }, { "INT_UNION", "EMPTY_UNION" }, { "INT_UNION", "INT_UNION" },
        { "INT_STRING_UNION", "STRING_INT_UNION" }, { "INT_UNION", "\"int\"" }, { "\"int\"", "INT_UNION" },
        { "LONG_UNION", "INT_UNION" }, { "FLOAT_UNION", "INT_UNION" }, { "DOUBLE_UNION", "INT_UNION" },
        { "FLOAT_UNION", "LONG_UNION" }, { "DOUBLE_UNION", "FLOAT_UNION" }, { "BYTES_UNION", "STRING_UNION" },
        { "STRING_UNION", "BYTES_UNION" }, { "\"double\"", "INT_LONG_FLOAT_DOUBLE_UNION" }, { "\"long\"", "INT_LONG_UNION" },
        { "NULL_INT_ARRAY_UNION", "NULL_INT_ARRAY_UNION" }, { "NULL_INT_MAP_UNION", "NULL_INT_MAP_UNION" },
        { "NULL_UNION", "\"null\"" }, { "FIXED_4", "FIXED_4" },
        { "EMPTY_RECORD1", "EMPTY_RECORD1" }, { "EMPTY_RECORD1", "A_INT_RECORD1" }, { "A_INT_RECORD1", "A_INT_RECORD1" },
        { "A_DINT_RECORD1", "A_INT_RECORD1" }, { "A_DINT_RECORD1", "A_DINT_RECORD1" }, { "A_INT_RECORD1", "A_DINT_RECORD1" },
        { "A_LONG_RECORD1", "A_INT_RECORD1" }, { "A_INT_RECORD1", "A_INT_B_INT_RECORD1" },
        { "A_DINT_RECORD1", "A_INT_B_INT_RECORD1" }, { "A_INT_B_DINT_RECORD1", "A_INT_RECORD1" },
        { "A_DINT_B_DINT_RECORD1", "EMPTY_RECORD1" }, { "A_DINT_B_DINT_RECORD1", "A_INT_RECORD1" },
        { "A_INT_B_INT_RECORD1", "A_DINT_B_DINT_RECORD1" }, { "INT_LIST_RECORD", "INT_LIST_RECORD" },
        { "LONG_LIST_RECORD", "LONG_LIST_RECORD" }, { "LONG_LIST_RECORD", "INT_LIST_RECORD" },
    };

    public static TheoryData<string, string, IncompatibilityKind, string> IncompatiblePairs => new()
    {
        { "INT_ARRAY", "LONG_ARRAY", IncompatibilityKind.TypeMismatch, "$[]" },
        { "INT_MAP", "INT_ARRAY", IncompatibilityKind.TypeMismatch, "$" },
        { "INT_ARRAY", "INT_MAP", IncompatibilityKind.TypeMismatch, "$" },
        { "INT_MAP", "LONG_MAP", IncompatibilityKind.TypeMismatch, "${}" },
        { "ENUM1_AB", "ENUM1_ABC", IncompatibilityKind.MissingEnumSymbols, "$" },
        { "ENUM1_BC", "ENUM1_ABC", IncompatibilityKind.MissingEnumSymbols, "$" },
        { "ENUM1_AB", "ENUM2_AB", IncompatibilityKind.NameMismatch, "$" },
        { "ENUM1_AB", "\"int\"", IncompatibilityKind.TypeMismatch, "$" },
        { "\"int\"", "ENUM2_AB", IncompatibilityKind.TypeMismatch, "$" },
        { "INT_UNION", "INT_STRING_UNION", IncompatibilityKind.MissingUnionBranch, "$" },
        { "STRING_UNION", "INT_STRING_UNION", IncompatibilityKind.MissingUnionBranch, "$" },
        { "\"float\"", "INT_LONG_FLOAT_DOUBLE_UNION", IncompatibilityKind.TypeMismatch, "$" },
        { "\"long\"", "INT_FLOAT_UNION", IncompatibilityKind.TypeMismatch, "$" },
        { "\"int\"", "INT_FLOAT_UNION", IncompatibilityKind.TypeMismatch, "$" },
        { "EMPTY_UNION", "INT_UNION", IncompatibilityKind.MissingUnionBranch, "$" },
        { "INT_UNION", "LONG_UNION", IncompatibilityKind.MissingUnionBranch, "$" },
        { "\"null\"", "NULL_INT_ARRAY_UNION", IncompatibilityKind.TypeMismatch, "$" },
        { "FIXED_4", "FIXED_8", IncompatibilityKind.FixedSizeMismatch, "$" },
        { "FIXED_8", "FIXED_4", IncompatibilityKind.FixedSizeMismatch, "$" },
        { "A_INT_RECORD1", "EMPTY_RECORD1", IncompatibilityKind.ReaderFieldMissingDefault, "$.a" },
        { "A_INT_B_DINT_RECORD1", "EMPTY_RECORD1", IncompatibilityKind.ReaderFieldMissingDefault, "$.a" },
        { "A_INT_RECORD1", "A_LONG_RECORD1", IncompatibilityKind.TypeMismatch, "$.a" },
        { "EMPTY_RECORD2", "EMPTY_RECORD1", IncompatibilityKind.NameMismatch, "$" },
        { "A_INT_RECORD1", "\"int\"", IncompatibilityKind.TypeMismatch, "$" },
        { "INT_LIST_RECORD", "LONG_LIST_RECORD", IncompatibilityKind.TypeMismatch, "$.head" },
    };

    [Theory]
    [MemberData(nameof(CompatiblePairs))]
    public void Compatible_pairs(string reader, string writer) => Compatible(Lookup(reader), Lookup(writer));

    [Theory]
    [MemberData(nameof(IncompatiblePairs))]
    public void Incompatible_pairs(string reader, string writer, IncompatibilityKind kind, string path) =>
        Single(Lookup(reader), Lookup(writer), kind, path);

    private static string Lookup(string key) => Schemas.TryGetValue(key, out var json) ? json : key;
}
