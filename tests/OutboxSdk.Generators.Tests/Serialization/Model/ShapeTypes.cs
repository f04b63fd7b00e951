using OutboxSdk;

namespace Serial.Shapes;

/// <summary>A class built through its setters: init-only, settable and required members, and a public field.</summary>
[OutboxMessage("serial.class-members")]
public partial class ClassMembers
{
    public required string Required { get; init; }

    public int InitOnly { get; init; }

    public string Settable { get; set; } = "";

    public long Field;

    /// <summary>Computed, so not part of the schema (it has no setter and is not an auto-property).</summary>
    public string Computed => Required + "/" + InitOnly.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A class with a constructor taking some members and setters for the rest.</summary>
[OutboxMessage("serial.mixed-construction")]
public partial class MixedConstruction(string name, int size)
{
    public string Name { get; } = name;

    public int Size { get; } = size;

    public string? Label { get; set; }
}

/// <summary>A plain struct with a constructor.</summary>
[OutboxMessage("serial.point")]
public partial struct Point(int x, int y)
{
    public int X { get; set; } = x;

    public int Y { get; set; } = y;
}

/// <summary>A positional record struct holding another struct, nullable and not.</summary>
[OutboxMessage("serial.segment")]
public partial record struct Segment(Point From, Point To, Point? Via, Extent Extent);

/// <summary>A record struct reached from another type (no attribute of its own).</summary>
public readonly record struct Extent(double Width, double Height);

/// <summary>Nested partial types: the message is declared inside two containing types.</summary>
public static partial class Outer
{
    public partial class Middle
    {
        [OutboxMessage("serial.nested")]
        public partial record Nested(string Value, Inner Inner);

        public sealed record Inner(int Depth);
    }
}

/// <summary>A recursive type: a linked list.</summary>
[OutboxMessage("serial.node")]
public partial record Node(int Value, Node? Next);

/// <summary>Mutual recursion through a collection: a tree.</summary>
[OutboxMessage("serial.tree")]
public partial record Tree(string Label, IReadOnlyList<Tree> Children);
