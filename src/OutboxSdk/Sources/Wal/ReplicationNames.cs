using System.Security.Cryptography;

namespace OutboxSdk.Sources.Wal;

/// <summary>
/// The names in effect for one outbox: the slot, the publication and the logical-message prefix, defaults derived
/// from the schema. A slot name is not an identifier Postgres quotes: it may only hold <c>a-z</c>, <c>0-9</c> and
/// <c>_</c> (see the docs of <c>pg_create_logical_replication_slot</c>), so the default folds the schema into that
/// alphabet and, when that changed or shortened it, appends the first 8 hex digits of the schema's SHA-256 so that
/// two schemas never share a slot by accident (<c>a b</c> and <c>a_b</c> fold alike but hash apart). The publication's
/// default is <c>outbox_&lt;schema&gt;</c> unless that name cannot be used (see <see cref="PublicationProblem"/>); then the
/// slot's. Both are pure functions of the schema: the same on every start and every instance.
/// </summary>
internal sealed record ReplicationNames(string Schema, string Slot, string Publication, string MessagePrefix)
{
    internal const int MaxNameBytes = 63;

    public static ReplicationNames For(OutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var replication = options.Replication;
        return new ReplicationNames(
            options.Schema,
            replication.SlotName ?? DefaultSlot(options.Schema),
            replication.PublicationName ?? DefaultPublication(options.Schema),
            replication.MessagePrefix ?? "outbox:" + options.Schema);
    }

    /// <summary><c>outbox_&lt;schema&gt;</c> in the slot alphabet, with a hash suffix when the schema had to change.</summary>
    public static string DefaultSlot(string schema)
    {
        var folded = new StringBuilder("outbox_");
        foreach (var c in schema)
        {
            folded.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : c is >= 'A' and <= 'Z' ? char.ToLowerInvariant(c) : '_');
        }

        var name = folded.ToString();
        if (name == "outbox_" + schema && name.Length <= MaxNameBytes)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(schema)))[..8];
        return (name.Length > MaxNameBytes - 9 ? name[..(MaxNameBytes - 9)] : name) + "_" + hash;
    }

    /// <summary>
    /// <c>outbox_&lt;schema&gt;</c> when that works as a publication name (spaces, capitals and other letters do:
    /// it is quoted), else the default slot name, which is in the slot alphabet and carries the schema's hash.
    /// </summary>
    public static string DefaultPublication(string schema) =>
        "outbox_" + schema is var name && PublicationProblem(name) is null ? name : DefaultSlot(schema);

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
