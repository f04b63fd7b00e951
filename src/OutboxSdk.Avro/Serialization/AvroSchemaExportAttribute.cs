namespace OutboxSdk.Avro.Serialization;

/// <summary>
/// Records, in an assembly's metadata, the Avro schema of one <c>[OutboxMessage]</c> subject. The OutboxSdk source
/// generator emits one per message type; <c>outbox schemas export</c> reads them with System.Reflection.Metadata,
/// without loading the assembly, to write the subject's schema history files. Not meant to be written by hand.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class AvroSchemaExportAttribute : Attribute
{
    /// <summary>Records <paramref name="schemaJson"/> as the schema of <paramref name="subject"/>.</summary>
    /// <param name="subject">The message subject, as in <c>[OutboxMessage("orders.order-placed")]</c>.</param>
    /// <param name="schemaJson">The schema JSON the generator emitted for the message type.</param>
    public AvroSchemaExportAttribute(string subject, string schemaJson)
    {
        Subject = subject;
        SchemaJson = schemaJson;
    }

    /// <summary>The message subject.</summary>
    public string Subject { get; }

    /// <summary>The schema JSON, with docs, defaults and aliases.</summary>
    public string SchemaJson { get; }
}
