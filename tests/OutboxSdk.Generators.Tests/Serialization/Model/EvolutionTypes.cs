using OutboxSdk;

namespace Serial.Evolution.V1
{
    /// <summary>Version 1 of a message.</summary>
    [OutboxMessage("serial.evolving.v1", Namespace = "com.example.evolution")]
    [AvroName("Evolving")]
    public partial record Evolving(string Id, string Name, Shade Shade)
    {
        [AvroDefault("0")]
        public int Legacy { get; init; }
    }

    [AvroDefault("Red")]
    public enum Shade
    {
        Red,
        Green,
    }
}

namespace Serial.Evolution.V2
{
    /// <summary>
    /// Version 2: adds an optional field (default null), drops Legacy (which had a default), renames Name to
    /// Title (aliased), and adds a symbol to the enum (which has a default).
    /// </summary>
    [OutboxMessage("serial.evolving.v2", Namespace = "com.example.evolution")]
    [AvroName("Evolving")]
    public partial record Evolving(string Id, [property: AvroAlias("Name")] string Title, Shade Shade)
    {
        public string? Comment { get; init; }
    }

    [AvroDefault("Red")]
    public enum Shade
    {
        Red,
        Green,
        Blue,
    }
}
