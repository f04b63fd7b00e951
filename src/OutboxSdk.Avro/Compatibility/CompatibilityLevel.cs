namespace OutboxSdk.Avro.Compatibility;

/// <summary>
/// How a new schema version must relate to earlier ones, with the meaning the Confluent Schema Registry gives
/// these levels. "Reads" is the Avro specification's schema resolution (see <see cref="SchemaCompatibility.CanRead"/>).
/// </summary>
public enum CompatibilityLevel
{
    /// <summary>No check: every new schema is accepted.</summary>
    None,
    /// <summary>The new schema can read data written with the latest previous version (consumers upgrade first).</summary>
    Backward,
    /// <summary>The latest previous version can read data written with the new schema (producers upgrade first).</summary>
    Forward,
    /// <summary>Both <see cref="Backward"/> and <see cref="Forward"/>.</summary>
    Full,
    /// <summary>The new schema can read data written with every previous version.</summary>
    BackwardTransitive,
    /// <summary>Every previous version can read data written with the new schema.</summary>
    ForwardTransitive,
    /// <summary>Both <see cref="BackwardTransitive"/> and <see cref="ForwardTransitive"/>.</summary>
    FullTransitive,
}
