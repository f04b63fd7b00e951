using Microsoft.CodeAnalysis;
using static OutboxSdk.Generators.Tests.Diagnostics.DiagnosticAssert;

namespace OutboxSdk.Generators.Tests.Diagnostics;

/// <summary>
/// One test per diagnostic: the smallest code that triggers it, reported once, with its severity, at the span a
/// user looks at, with a message that names what to fix.
/// </summary>
public sealed class DiagnosticTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing OutboxSdk;\nnamespace N;\n";

    [Fact]
    public void OBX1001_unsupported_member_type() => Reports("OBX1001", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.counted")]
        public partial class Counted { public uint [|Count|] { get; set; } }
        """, "'Count'", "'Counted'", "'uint'", "32- and 64-bit");

    [Fact]
    public void OBX1002_type_not_partial() => Reports("OBX1002", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.plain")]
        public record [|Plain|](int X);
        """, "'Plain'", "[OutboxMessage]", "partial");

    [Fact]
    public void OBX1002_containing_type_not_partial() => Reports("OBX1002", DiagnosticSeverity.Error, Usings + """
        public static class Events
        {
            [OutboxMessage("n.inner")]
            public partial record [|Inner|](int X);
        }
        """, "'Inner'", "nested");

    [Fact]
    public void OBX1003_duplicate_subject() => Reports("OBX1003", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.same")]
        public partial record First(int X);

        [OutboxMessage("n.same")]
        public partial record [|Second|](int X);
        """, "'n.same'", "'N.Second'", "'N.First'");

    [Fact]
    public void OBX1004_invalid_avro_name() => Reports("OBX1004", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.named")]
        public partial class Named { [AvroName("order-id")] public int [|OrderId|] { get; set; } }
        """, "'order-id'", "Named.OrderId", "[A-Za-z_][A-Za-z0-9_]*");

    [Fact]
    public void OBX1004_type_name_that_is_not_ascii() => Reports("OBX1004", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.bestellung")]
        public partial record [|Größe|](int X);
        """, "'Größe'", "[AvroName]");

    [Fact]
    public void OBX1005_decimal_without_precision() => Reports("OBX1005", DiagnosticSeverity.Warning, Usings + """
        [OutboxMessage("n.priced")]
        public partial class Priced { public decimal [|Total|] { get; set; } }
        """, "'Total'", "'Priced'", "decimal(28, 10)", "[AvroDecimal(precision, scale)]");

    [Fact]
    public void OBX1006_ignored_key() => Reports("OBX1006", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.ignored")]
        public partial class Ignored { [AvroIgnore, PartitionKey] public string [|Customer|] { get; set; } = ""; }
        """, "'Ignored.Customer'", "[AvroIgnore]", "[PartitionKey]");

    [Fact]
    public void OBX1006_message_and_change_feed() => Reports("OBX1006", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.both"), ChangeFeed("both")]
        public partial class [|Both|] { [Key] public int Id { get; set; } }
        """, "'Both'", "[OutboxMessage] and [ChangeFeed]");

    [Fact]
    public void OBX1007_partition_key_not_scalar() => Reports("OBX1007", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.tagged")]
        public partial class Tagged { [PartitionKey] public List<string> [|Tags|] { get; set; } = []; }
        """, "'Tags'", "'Tagged'", "List<string>", "a partition key must be a string");

    [Fact]
    public void OBX1008_multiple_partition_keys() => Reports("OBX1008", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.keyed")]
        public partial record [|Keyed|]([property: PartitionKey] string Tenant, [property: PartitionKey] string Customer);
        """, "'Keyed'", "Tenant, Customer", "exactly one");

    [Fact]
    public void OBX1009_change_feed_without_key() => Reports("OBX1009", DiagnosticSeverity.Error, Usings + """
        [ChangeFeed("orders")]
        public partial class [|OrderRow|] { public Guid Id { get; set; } }
        """, "'OrderRow'", "[Key]");

    [Fact]
    public void OBX1010_default_of_the_wrong_type() => Reports("OBX1010", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.defaulted")]
        public partial class Defaulted { [AvroDefault("\"ten\"")] public int [|Count|] { get; set; } }
        """, "'Defaulted.Count'", "\"ten\"", "not a 32-bit integer");

    [Fact]
    public void OBX1010_default_that_is_not_json() => Reports("OBX1010", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.defaulted")]
        public partial class Defaulted { [AvroDefault("EUR")] public string [|Currency|] { get; set; } = ""; }
        """, "'Defaulted.Currency'", "not valid JSON");

    [Fact]
    public void OBX1010_enum_default_that_is_not_a_member() => Reports("OBX1010", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.coloured")]
        public partial record Coloured(Color Color);
        [AvroDefault("Purple")]
        public enum [|Color|] { Red, Green }
        """, "'Color'", "'Purple'", "one of its members");

    [Fact]
    public void OBX1011_no_usable_constructor() => Reports("OBX1011", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.built")]
        public partial class [|Built|]
        {
            public Built(int seed) => Count = seed;
            public int Count { get; set; }
        }
        """, "'Built'", "constructor");

    [Fact]
    public void OBX1012_generic_type() => Reports("OBX1012", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.box")]
        public partial record [|Box|]<T>(int Size);
        """, "'N.Box<T>'", "generic");

    [Fact]
    public void OBX1013_invalid_decimal() => Reports("OBX1013", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.huge")]
        public partial class Huge { [AvroDecimal(40, 2)] public decimal [|Total|] { get; set; } }
        """, "[AvroDecimal(40, 2)]", "'Total'", "'Huge'", "1 to 28");

    [Fact]
    public void OBX1014_duplicate_field_name() => Reports("OBX1014", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.twice")]
        public partial class [|Twice|]
        {
            [AvroName("Total")] public int Sum { get; set; }
            public int Total { get; set; }
        }
        """, "'Twice.Sum'", "'Twice.Total'", "'Total'", "[AvroName]");

    [Fact]
    public void OBX1014_duplicate_type_name() => Reports("OBX1014", DiagnosticSeverity.Error, Usings + """
        [OutboxMessage("n.moved")]
        public partial record [|Moved|](Address From, Location To);
        public sealed record Address(string Street);
        [AvroName("Address")]
        public sealed record Location(string Street);
        """, "'N.Address'", "'N.Location'", "[AvroName]");

    [Fact]
    public void OBX1015_member_without_setter() => Reports("OBX1015", DiagnosticSeverity.Warning, Usings + """
        [OutboxMessage("n.stamped")]
        public partial class Stamped { public int [|Sequence|] { get; } }
        """, "'Sequence'", "'Stamped'", "init", "[AvroIgnore]");

    [Fact]
    public void OBX1016_type_the_generated_code_cannot_see() => Reports("OBX1016", DiagnosticSeverity.Error, Usings + """
        public partial class Outer
        {
            [OutboxMessage("n.hidden")]
            private partial record [|Hidden|](int X);
        }
        """, "'N.Outer.Hidden'", "'Hidden' is private", "internal or public");

    [Fact]
    public void OBX1012_type_nested_in_a_generic_type() => Reports("OBX1012", DiagnosticSeverity.Error, Usings + """
        public partial class Box<T>
        {
            [OutboxMessage("n.boxed")]
            public partial record [|Boxed|](int X);
        }
        """, "Box<T>.Boxed", "generic");

    [Fact]
    public void OBX1020_member_that_is_not_a_column() => Reports("OBX1020", DiagnosticSeverity.Error, Usings + """
        [ChangeFeed("sales.orders")]
        public partial class OrderRow
        {
            [Key] public Guid Id { get; set; }
            public Address [|ShipTo|] { get; set; } = new("");
        }
        public sealed record Address(string Street);
        """, "'ShipTo'", "'OrderRow'", "N.Address", "flat row");

    [Fact]
    public void OBX1021_duplicate_column() => Reports("OBX1021", DiagnosticSeverity.Error, Usings + """
        [ChangeFeed("sales.orders")]
        public partial class [|OrderRow|]
        {
            [Key] public Guid OrderId { get; set; }
            [AvroName("order_id")] public Guid LegacyId { get; set; }
        }
        """, "'OrderId'", "'LegacyId'", "'order_id'", "[AvroName]");

    [Fact]
    public void OBX1022_invalid_table_name() => Reports("OBX1022", DiagnosticSeverity.Error, Usings + """
        [ChangeFeed("sales.orders.archive")]
        public partial class [|OrderRow|] { [Key] public int Id { get; set; } }
        """, "'sales.orders.archive'", "[ChangeFeed] on OrderRow");

    [Fact]
    public void OBX1022_column_name_too_long() => Reports("OBX1022", DiagnosticSeverity.Error, Usings + """
        [ChangeFeed("sales.orders")]
        public partial class LongRow
        {
            [Key] public int Id { get; set; }
            public string [|ThisPropertyNameIsFarTooLongToBecomeAPostgresColumnBecauseItGoesOnAndOn|] { get; set; } = "";
        }
        """, "LongRow.ThisPropertyNameIsFarTooLong", "63");
}
