namespace OutboxSdk.Schema;

/// <summary>
/// One generated message schema, as the generator lists it in <c>OutboxSdk.Generated.OutboxSchemas.All</c>:
/// the row that registers it in the outbox's <c>schemas</c> table (see <see cref="OutboxSchema.RegisterSchemaSql"/>).
/// </summary>
/// <param name="Subject">The [OutboxMessage] subject.</param>
/// <param name="Fingerprint">The CRC-64-AVRO (Rabin) fingerprint of the canonical form, as a signed 64-bit number.</param>
/// <param name="CanonicalForm">The Avro Parsing Canonical Form.</param>
/// <param name="SchemaJson">The full schema JSON, with docs, defaults and aliases.</param>
/// <param name="MessageType">The C# message type.</param>
public sealed record MessageSchema(string Subject, long Fingerprint, string CanonicalForm, string SchemaJson, Type MessageType);
