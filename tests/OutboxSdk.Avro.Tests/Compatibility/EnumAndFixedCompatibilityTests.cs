using OutboxSdk.Avro.Compatibility;
using static OutboxSdk.Avro.Tests.Compatibility.CompatibilityAssert;

namespace OutboxSdk.Avro.Tests.Compatibility;

// see Avro spec, "Schema Resolution": enums by name and symbols (or the reader's default); fixed by name and size.
public class EnumAndFixedCompatibilityTests
{
    private const string StatusAb = "{\"type\":\"enum\",\"name\":\"shop.Status\",\"symbols\":[\"A\",\"B\"]}";
    private const string StatusAbc = "{\"type\":\"enum\",\"name\":\"shop.Status\",\"symbols\":[\"A\",\"B\",\"C\"]}";
    private const string StatusAbWithDefault = "{\"type\":\"enum\",\"name\":\"shop.Status\",\"symbols\":[\"A\",\"B\"],\"default\":\"A\"}";

    [Fact]
    public void Same_enum_is_compatible() => Compatible(StatusAb, StatusAb);

    [Fact]
    public void Enum_symbol_added_is_backward_compatible() => Compatible(reader: StatusAbc, writer: StatusAb);

    [Fact]
    public void Enum_symbol_added_breaks_forward_and_names_the_symbol()
    {
        var incompatibility = Single(reader: StatusAb, writer: StatusAbc, IncompatibilityKind.MissingEnumSymbols, "$");
        Assert.Equal("the reader's enum shop.Status lacks the writer's symbol 'C' and has no default symbol: data written with it cannot be read",
            incompatibility.Message);
    }

    [Fact]
    public void Enum_symbol_added_is_forward_compatible_when_the_old_reader_has_a_default_symbol() =>
        Compatible(reader: StatusAbWithDefault, writer: StatusAbc);

    [Fact]
    public void Several_missing_symbols_are_listed_in_writer_order()
    {
        var reader = "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"B\"]}";
        var writer = "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\",\"C\"]}";
        var incompatibility = Single(reader, writer, IncompatibilityKind.MissingEnumSymbols, "$");
        Assert.Contains("symbols 'A', 'C'", incompatibility.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enum_symbol_removed_is_backward_incompatible_inside_a_record_field()
    {
        var reader = Record("R", Field("status", "{\"type\":\"enum\",\"name\":\"S\",\"symbols\":[\"A\"]}"));
        var writer = Record("R", Field("status", "{\"type\":\"enum\",\"name\":\"S\",\"symbols\":[\"A\",\"GONE\"]}"));
        var incompatibility = Single(reader, writer, IncompatibilityKind.MissingEnumSymbols, "$.status");
        Assert.StartsWith("field 'status' (in record R): the reader's enum S lacks the writer's symbol 'GONE'", incompatibility.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Enums_with_different_names_are_a_name_mismatch()
    {
        var other = "{\"type\":\"enum\",\"name\":\"shop.Color\",\"symbols\":[\"A\",\"B\"]}";
        Single(StatusAb, other, IncompatibilityKind.NameMismatch, "$");
        Compatible("{\"type\":\"enum\",\"name\":\"shop.Status\",\"aliases\":[\"Color\"],\"symbols\":[\"A\",\"B\"]}", other);
    }

    [Fact]
    public void Enum_and_int_do_not_match()
    {
        Single(StatusAb, "\"int\"", IncompatibilityKind.TypeMismatch, "$");
        Single("\"int\"", StatusAb, IncompatibilityKind.TypeMismatch, "$");
    }

    [Fact]
    public void Same_fixed_is_compatible() =>
        Compatible("{\"type\":\"fixed\",\"name\":\"Md5\",\"size\":16}", "{\"type\":\"fixed\",\"name\":\"Md5\",\"size\":16}");

    [Fact]
    public void Fixed_size_changed_is_incompatible_in_both_directions()
    {
        var f16 = Record("R", Field("hash", "{\"type\":\"fixed\",\"name\":\"Hash\",\"size\":16}"));
        var f20 = Record("R", Field("hash", "{\"type\":\"fixed\",\"name\":\"Hash\",\"size\":20}"));
        var incompatibility = Single(f16, f20, IncompatibilityKind.FixedSizeMismatch, "$.hash");
        Assert.Equal("field 'hash' (in record R): the reader's fixed Hash holds 16 bytes but the writer's Hash holds 20", incompatibility.Message);
        Single(f20, f16, IncompatibilityKind.FixedSizeMismatch, "$.hash");
    }

    [Fact]
    public void Fixed_with_different_names_is_a_name_mismatch_and_alias_fixes_it()
    {
        Single("{\"type\":\"fixed\",\"name\":\"A\",\"size\":4}", "{\"type\":\"fixed\",\"name\":\"B\",\"size\":4}",
            IncompatibilityKind.NameMismatch, "$");
        Compatible("{\"type\":\"fixed\",\"name\":\"A\",\"aliases\":[\"B\"],\"size\":4}", "{\"type\":\"fixed\",\"name\":\"B\",\"size\":4}");
    }

    [Fact]
    public void Fixed_with_other_name_and_size_reports_both()
    {
        var result = Incompatible("{\"type\":\"fixed\",\"name\":\"A\",\"size\":4}", "{\"type\":\"fixed\",\"name\":\"B\",\"size\":8}");
        Assert.Equal([IncompatibilityKind.NameMismatch, IncompatibilityKind.FixedSizeMismatch], result.Incompatibilities.Select(i => i.Kind));
    }
}
