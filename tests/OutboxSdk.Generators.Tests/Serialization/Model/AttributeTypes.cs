using OutboxSdk;

namespace Serial.Attributes;

/// <summary>A customer's profile changed.</summary>
/// <remarks>Only the summary becomes the Avro doc.</remarks>
[OutboxMessage("serial.profile-changed", Namespace = "com.example.profiles")]
[AvroName("ProfileChangedV1")]
[AvroAlias("ProfileUpdated")]
public partial record ProfileChanged
{
    /// <summary>
    /// The customer,
    /// as a UUID.
    /// </summary>
    [AvroName("customer_id")]
    public Guid CustomerId { get; init; }

    [AvroDoc("Shown to other users.")]
    [AvroAlias("nick")]
    [AvroAlias("handle")]
    public string DisplayName { get; init; } = "";

    [AvroDefault("3")]
    public int Version { get; init; } = 3;

    [AvroDefault("\"en\"")]
    public string? Locale { get; init; } = "en";

    [AvroIgnore]
    public string Transient { get; init; } = "";

    public Tier Tier { get; init; }
}

/// <summary>A customer's tier.</summary>
[AvroDefault("Basic")]
[AvroName("CustomerTier")]
public enum Tier
{
    Basic,
    Silver,
    Gold,
}
