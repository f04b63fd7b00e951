namespace OutboxSdk;

/// <summary>What happened to a row. Debezium's <c>op</c>: <c>r</c>, <c>c</c>, <c>u</c>, <c>d</c>.</summary>
public enum ChangeOperation
{
    /// <summary>The row existed when the feed's initial snapshot was taken.</summary>
    Read,

    /// <summary>An INSERT.</summary>
    Insert,

    /// <summary>An UPDATE.</summary>
    Update,

    /// <summary>A DELETE.</summary>
    Delete,
}

/// <summary>What a change carries of the row as it was before the change; it depends on the table's REPLICA IDENTITY.</summary>
public enum BeforeImage
{
    /// <summary>Nothing: inserts, reads, and updates under REPLICA IDENTITY DEFAULT that left the key unchanged.</summary>
    None,

    /// <summary>
    /// Only the primary key (REPLICA IDENTITY DEFAULT: deletes, and updates that changed the key). The key is in
    /// <see cref="Change{T}.Key"/>; <see cref="Change{T}.Before"/> stays null rather than an entity with invented
    /// values in its other members.
    /// </summary>
    Key,

    /// <summary>Every column (REPLICA IDENTITY FULL): <see cref="Change{T}.Before"/> is the whole old row.</summary>
    Full,
}
