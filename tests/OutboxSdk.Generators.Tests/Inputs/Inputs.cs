namespace OutboxSdk.Generators.Tests;

/// <summary>The user code the snapshot and incremental tests feed the generator.</summary>
internal static class Inputs
{
    /// <summary>The README's example: a positional record, partition key, decimal, list of records, enum with a default.</summary>
    public const string OrderPlaced = """
        using System;
        using System.Collections.Generic;
        using OutboxSdk;

        namespace Shop.Orders;

        /// <summary>An order was placed.</summary>
        [OutboxMessage("orders.order-placed")]
        public partial record OrderPlaced(
            Guid OrderId,
            [property: PartitionKey] string CustomerId,
            [property: AvroDecimal(18, 2)] decimal Total,
            DateTimeOffset PlacedAt,
            IReadOnlyList<OrderLine> Lines)
        {
            public string? Note { get; init; }

            public OrderStatus Status { get; init; } = OrderStatus.New;
        }

        public sealed record OrderLine(string Sku, int Quantity, [property: AvroDecimal(10, 2)] decimal Price);

        [AvroDefault("Unknown")]
        public enum OrderStatus
        {
            Unknown,
            New,
            Paid,
        }
        """;

    public const string ClassWithDocs = """
        using OutboxSdk;

        namespace Crm.Customers;

        /// <summary>
        /// A customer   registered,
        /// with <c>markup</c> in the summary.
        /// </summary>
        /// <remarks>Not part of the schema doc.</remarks>
        [OutboxMessage("crm.customer-registered", Namespace = "com.example.crm")]
        public partial class CustomerRegistered
        {
            /// <summary>The customer's id.</summary>
            [PartitionKey]
            public required string CustomerId { get; init; }

            /// <summary>The name shown to staff.</summary>
            public string Name { get; set; } = "";

            public int Age { get; set; }

            public string? Email { get; init; }

            /// <summary>A public field is a member too.</summary>
            public long Version;

            /// <summary>Computed: not in the schema, and no warning because it has a body.</summary>
            public string Display => Name + " (" + Age + ")";
        }
        """;

    public const string Struct = """
        using System;
        using OutboxSdk;

        namespace Metrics;

        [OutboxMessage("metrics.sample")]
        public partial struct Sample
        {
            [PartitionKey]
            public string Sensor { get; set; }

            public double Value { get; set; }

            public DateTime At { get; set; }

            public Point Where { get; set; }

            public Point? Previous { get; set; }
        }

        public readonly record struct Point(float X, float Y);
        """;

    public const string Nested = """
        using System;
        using OutboxSdk;

        namespace Billing;

        public static partial class BillingEvents
        {
            [OutboxMessage("billing.invoice-sent")]
            public partial record InvoiceSent(Guid InvoiceId, Recipient To);

            public sealed record Recipient(string Email);
        }

        public partial record Outer
        {
            public partial struct Middle
            {
                [OutboxMessage("billing.deep")]
                internal partial class Deep
                {
                    public int Level { get; set; }
                }
            }
        }
        """;

    public const string EveryMappedType = """
        using System;
        using System.Collections.Generic;
        using OutboxSdk;

        namespace Catalog;

        [OutboxMessage("catalog.everything")]
        [AvroName("AllTypes")]
        [AvroAlias("Everything_v1")]
        [AvroDoc("Every type the generator maps.")]
        public partial class Everything
        {
            public bool Flag { get; set; }
            public int Count { get; set; }
            public long Big { get; set; }
            public float Ratio { get; set; }
            public double Measure { get; set; }
            public string Text { get; set; } = "";
            public byte[] Blob { get; set; } = [];
            public ReadOnlyMemory<byte> Memory { get; set; }
            public Guid Id { get; set; }
            public DateTime When { get; set; }
            public DateTimeOffset WhenOffset { get; set; }
            public DateOnly Day { get; set; }
            public TimeOnly Time { get; set; }
            public TimeSpan Duration { get; set; }
            [AvroDecimal(12, 4)] public decimal Amount { get; set; }
            public Color Color { get; set; }

            public int? MaybeCount { get; set; }
            public Guid? MaybeId { get; set; }
            public Color? MaybeColor { get; set; }
            [AvroDecimal(9, 2)] public decimal? MaybeAmount { get; set; }
            public string? MaybeText { get; set; }
            public byte[]? MaybeBlob { get; set; }
            public Part? MaybePart { get; set; }

            public int[] Numbers { get; set; } = [];
            public string?[] Words { get; set; } = [];
            public List<Part> Parts { get; set; } = [];
            public IList<long> Longs { get; set; } = [];
            public IReadOnlyCollection<Color> Colors { get; set; } = [];
            public List<string>? MaybeList { get; set; }
            public Dictionary<string, int> Counts { get; set; } = [];
            public IReadOnlyDictionary<string, Part?> PartsByName { get; set; } = new Dictionary<string, Part?>();
            public List<int[]> Grid { get; set; } = [];
            public Dictionary<string, List<string>> Tags { get; set; } = [];
            [AvroDecimal(5, 1)] public List<decimal> Prices { get; set; } = [];

            [AvroName("renamed_field")] public int Renamed { get; set; }
            [AvroAlias("old_name")] [AvroAlias("older_name")] public int Aliased { get; set; }
            [AvroDefault("42")] public int WithDefault { get; set; }
            [AvroDefault("\"hello\"")] public string? NullableWithDefault { get; set; }
            [AvroDefault("\"Green\"")] public Color ColorWithDefault { get; set; }
            [AvroDoc("Documented by attribute.")] public int Documented { get; set; }
            [AvroIgnore] public int Ignored { get; set; }
        }

        [AvroDefault("Red")]
        public enum Color { Red, Green, Blue }

        public sealed class Part
        {
            public string Name { get; set; } = "";
        }
        """;

    public const string Recursive = """
        using System.Collections.Generic;
        using OutboxSdk;

        namespace Graphs;

        [OutboxMessage("graphs.node")]
        public partial record Node(string Name, Node? Next);

        [OutboxMessage("graphs.tree")]
        public partial record Tree(int Value, IReadOnlyList<Tree> Children);
        """;

    public const string ChangeFeed = """
        using System;
        using OutboxSdk;

        namespace Sales;

        [ChangeFeed("sales.orders", ReplicaIdentity = ReplicaIdentity.Default)]
        public partial class OrderRow
        {
            [Key]
            public Guid Id { get; set; }

            [Key]
            public int Line { get; set; }

            public string Customer { get; set; } = "";

            [AvroDecimal(18, 2)]
            public decimal Amount { get; set; }

            public DateTimeOffset? ShippedAt { get; set; }
        }
        """;

    public const string GlobalNamespace = """
        using OutboxSdk;

        [OutboxMessage("global.ping")]
        public partial record Ping(int Sequence, Pong Reply);

        public enum Pong { Yes, No }
        """;
}
