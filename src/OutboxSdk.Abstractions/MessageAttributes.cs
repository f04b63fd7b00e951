using System;

namespace OutboxSdk;

/// <summary>
/// Marks a type as an outbox message: the source generator emits its Avro schema, its serializer and its
/// registration. The type must be <c>partial</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class OutboxMessageAttribute : Attribute
{
    /// <summary>Marks the type with its subject, e.g. <c>orders.order-placed</c>: the stable name consumers subscribe to.</summary>
    public OutboxMessageAttribute(string subject) => Subject = subject;

    /// <summary>The subject (topic) of the message.</summary>
    public string Subject { get; }

    /// <summary>The Avro namespace; defaults to the C# namespace.</summary>
    public string? Namespace { get; set; }
}

/// <summary>
/// Marks a type as the rows of a table whose changes the SDK streams: the generator emits its Avro schema,
/// serializer, <c>CREATE TABLE</c> DDL and a row decoder. The type must be <c>partial</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class ChangeFeedAttribute : Attribute
{
    /// <summary>Marks the type with its table, e.g. <c>sales.orders</c> (schema and table) or <c>orders</c>.</summary>
    public ChangeFeedAttribute(string table) => Table = table;

    /// <summary>The table, optionally schema-qualified.</summary>
    public string Table { get; }

    /// <summary>The table's <c>REPLICA IDENTITY</c>: what the change feed receives as the old row.</summary>
    public ReplicaIdentity ReplicaIdentity { get; set; } = ReplicaIdentity.Full;

    /// <summary>The Avro namespace; defaults to the C# namespace.</summary>
    public string? Namespace { get; set; }
}

/// <summary>
/// A table's <c>REPLICA IDENTITY</c> (see PostgreSQL, ALTER TABLE): what the WAL logs as the old row. A
/// <c>[ChangeFeed]</c> entity declares <see cref="Default"/> or <see cref="Full"/>; the change feed reports what a
/// table really has, which can also be <see cref="Nothing"/> or <see cref="Index"/>.
/// </summary>
public enum ReplicaIdentity
{
    /// <summary>The old row carries only the primary key.</summary>
    Default,

    /// <summary>The old row carries every column (the whole before image).</summary>
    Full,

    /// <summary>No old row at all: updates and deletes cannot be keyed (not supported for a change feed).</summary>
    Nothing,

    /// <summary>The old row carries the columns of a chosen unique index.</summary>
    Index,
}

/// <summary>The member whose value orders messages: messages with the same key reach handlers in commit order.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false)]
public sealed class PartitionKeyAttribute : Attribute
{
}

/// <summary>A primary key column of a <see cref="ChangeFeedAttribute"/> entity (several make a composite key, in declaration order).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false)]
public sealed class KeyAttribute : Attribute
{
}

/// <summary>
/// Gives a notification handler a stable name: what the inbox records as having handled a message (the key of
/// exactly-once) and what dead letters show as the handler that failed. Without it the name is the class's full name,
/// so renaming or moving the class would make the inbox forget what the handler already did. To rename a class
/// that has no attribute yet, give the renamed class its old full name: <c>[OutboxHandler("Shop.Billing.SendInvoice")]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OutboxHandlerAttribute : Attribute
{
    /// <summary>Names the handler, e.g. <c>billing.send-invoice</c>; unique among the handlers of a message or change.</summary>
    public OutboxHandlerAttribute(string name) => Name = name;

    /// <summary>The handler's name in the inbox and in dead letters.</summary>
    public string Name { get; }
}
