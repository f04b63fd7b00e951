using OutboxSdk;

namespace ChangeFeedTests.Shop;

/// <summary>Every column type: scalars, nullables, arrays; a composite key; an [AvroName] override.</summary>
[ChangeFeed("items")]
public partial record Item(
    [property: Key] Guid Id,
    [property: Key] int Version,
    string Name,
    string? Note,
    bool Active,
    long Big,
    float Ratio,
    double Score,
    [property: AvroDecimal(18, 4)] decimal Price,
    byte[] Blob,
    DateTimeOffset CreatedAt,
    DateTime? UpdatedAt,
    DateOnly Day,
    TimeOnly At,
    TimeSpan Duration,
    ItemStatus Status,
    IReadOnlyList<string?> Tags,
    int[] Counts,
    Guid[] Refs)
{
    [AvroName("HTTPStatus")]
    public int? StatusCode { get; init; }

    public ItemStatus? PreviousStatus { get; init; }

    public List<DateOnly?>? Holidays { get; init; }
}

public enum ItemStatus
{
    Draft,
    Live,
    Retired,
}

/// <summary>A schema-qualified table with REPLICA IDENTITY DEFAULT and a settable-property shape.</summary>
[ChangeFeed("ddl_qualified.accounts", ReplicaIdentity = ReplicaIdentity.Default)]
public partial class Account
{
    [Key]
    public long AccountId { get; set; }

    public string Email { get; set; } = "";

    public ReadOnlyMemory<byte> Avatar { get; set; }
}

/// <summary>A message, so OutboxSchemas.All has an entry.</summary>
[OutboxMessage("shop.item-published")]
public partial record ItemPublished(Guid ItemId, string Name);

/// <summary>An unqualified table with REPLICA IDENTITY DEFAULT: old rows carry the key only.</summary>
[ChangeFeed("cards", ReplicaIdentity = ReplicaIdentity.Default)]
public partial record Card([property: Key] long Id, string Holder, string? Notes, long LimitCents);
