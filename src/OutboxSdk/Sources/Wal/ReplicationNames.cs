using System.Security.Cryptography;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The names in effect for one outbox: the slot, the publication and the logical-message prefix. A slot is an object of
/// the whole cluster, so its default is derived from the database and the schema (<see cref="DefaultSlot(string, string)"/>);
/// a publication belongs to one database, so its default <c>outbox_&lt;schema&gt;</c> is already unique per database.
/// The database is the server's <c>current_database()</c>, read at startup by <see cref="ReplicationNaming"/>, which also
/// keeps an existing deployment on the slot name of SDK versions before the database was part of it
/// (<see cref="LegacySlot"/>). A slot name is not an identifier Postgres quotes: it may only hold <c>a-z</c>,
/// <c>0-9</c> and <c>_</c> (see the docs of <c>pg_create_logical_replication_slot</c>).
/// </summary>
internal sealed record ReplicationNames(string Schema, string Slot, string Publication, string MessagePrefix)
{
    internal const int MaxNameBytes = 63;

    /// <summary>The names for <paramref name="options"/> in <paramref name="database"/>, with <paramref name="defaultSlot"/> when no SlotName is set.</summary>
    public static ReplicationNames For(OutboxOptions options, string database, string? defaultSlot = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var replication = options.Replication;
        return new ReplicationNames(
            options.Schema,
            replication.SlotName ?? defaultSlot ?? DefaultSlot(options.Schema, database),
            replication.PublicationName ?? DefaultPublication(options.Schema),
            replication.MessagePrefix ?? "outbox:" + options.Schema);
    }

    /// <summary>The message prefix in effect (it does not depend on the database).</summary>
    public static string MessagePrefixOf(OutboxOptions options) => options.Replication.MessagePrefix ?? "outbox:" + options.Schema;

    /// <summary>
    /// <c>outbox_&lt;schema&gt;_&lt;database&gt;</c> in the slot alphabet (cut to fit), then <c>_</c> and the first 8 hex
    /// digits of the SHA-256 of database and schema: readable in <c>pg_replication_slots</c>, and distinct for every
    /// (database, schema) pair even where folding or cutting made two alike (<c>a_b</c>.<c>c</c> and <c>a</c>.<c>b_c</c>).
    /// A pure function: the same on every start and every instance.
    /// </summary>
    public static string DefaultSlot(string schema, string database)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(database);
        var name = Fold("outbox_" + schema + "_" + database);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(database + "\0" + schema)))[..8];
        return (name.Length > MaxNameBytes - 9 ? name[..(MaxNameBytes - 9)] : name) + "_" + hash;
    }

    private static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            folded.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : c is >= 'A' and <= 'Z' ? char.ToLowerInvariant(c) : '_');
        }

        return folded.ToString();
    }

    /// <summary>
    /// The default slot name of earlier versions: <c>outbox_&lt;schema&gt;</c> in the slot alphabet, with a hash
    /// suffix when the schema had to change; the same in every database, so two databases of one cluster collided. Kept
    /// only to find an existing deployment's slot (<see cref="ReplicationNaming"/>); the publication's default still uses it.
    /// </summary>
    public static string LegacySlot(string schema)
    {
        var name = Fold("outbox_" + schema);
        if (name == "outbox_" + schema && name.Length <= MaxNameBytes)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(schema)))[..8];
        return (name.Length > MaxNameBytes - 9 ? name[..(MaxNameBytes - 9)] : name) + "_" + hash;
    }

    /// <summary>
    /// <c>outbox_&lt;schema&gt;</c> when that works as a publication name (spaces, capitals and other letters do:
    /// it is quoted), else the schema folded to the slot alphabet with the schema's hash (<see cref="LegacySlot"/>).
    /// </summary>
    public static string DefaultPublication(string schema) =>
        "outbox_" + schema is var name && PublicationProblem(name) is null ? name : LegacySlot(schema);

    /// <summary>Null when <paramref name="slot"/> is a valid slot name, else what is wrong with it.</summary>
    public static string? SlotProblem(string slot)
    {
        if (slot.Length is 0 or > MaxNameBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"must be 1 to {MaxNameBytes} characters (it has {slot.Length})");
        }

        foreach (var c in slot)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return $"may only contain lower-case letters a-z, digits and '_' (it contains '{c}')";
            }
        }

        return null;
    }

    /// <summary>
    /// Null when <paramref name="publication"/> works both in SQL (quoted) and in START_REPLICATION's
    /// <c>publication_names</c> option: a list of double-quoted names, inside a single-quoted string that Npgsql 10
    /// writes without escaping, so neither kind of quote can appear, nor a comma.
    /// </summary>
    public static string? PublicationProblem(string publication) =>
        publication.Length == 0 || Encoding.UTF8.GetByteCount(publication) > MaxNameBytes
            ? $"must be 1 to {MaxNameBytes} bytes (UTF-8)"
            : publication.IndexOfAny(['"', '\'', ',', '\0']) >= 0
                ? "must not contain a double quote, a single quote, a comma or a NUL character (START_REPLICATION lists publications as a quoted, comma-separated string)"
                : null;
}
