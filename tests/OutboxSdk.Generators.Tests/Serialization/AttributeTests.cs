using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Serialization.Tests.Support;
using Serial.Attributes;

namespace OutboxSdk.Serialization.Tests;

/// <summary>[AvroName], [AvroAlias], [AvroDefault], [AvroIgnore], [AvroDoc] and XML docs in the emitted schema.</summary>
public sealed class AttributeTests
{
    private static RecordSchema Schema => (RecordSchema)Contract.CheckSchema<ProfileChanged>();

    [Fact]
    public void The_attributed_type_follows_the_contract()
    {
        var value = new ProfileChanged { CustomerId = Guid.NewGuid(), DisplayName = "d", Version = 4, Locale = null, Transient = "dropped", Tier = Tier.Gold };
        Contract.Check(value, value with { Transient = "" });
        Contract.Check(new ProfileChanged());
    }

    [Fact]
    public void Names_and_namespaces_come_from_the_attributes()
    {
        Assert.Equal("com.example.profiles.ProfileChangedV1", Schema.FullName);
        Assert.Equal(["com.example.profiles.ProfileUpdated"], Schema.Aliases.Select(a => a.FullName));
        Assert.NotNull(Schema.GetField("customer_id"));
        Assert.Null(Schema.GetField("CustomerId"));
        // A reached type keeps its own C# namespace; the root's Namespace applies to the root only.
        Assert.Equal("Serial.Attributes.CustomerTier", ((NamedSchema)Schema.GetField("Tier")!.Schema).FullName);
    }

    [Fact]
    public void Ignored_members_are_not_fields()
    {
        Assert.Equal(["customer_id", "DisplayName", "Version", "Locale", "Tier"], Schema.Fields.Select(f => f.Name));
    }

    [Fact]
    public void Docs_come_from_AvroDoc_or_the_XML_summary_with_white_space_collapsed()
    {
        Assert.Equal("A customer's profile changed.", Schema.Doc);
        Assert.Equal("The customer, as a UUID.", Schema.GetField("customer_id")!.Doc);
        Assert.Equal("Shown to other users.", Schema.GetField("DisplayName")!.Doc);
        Assert.Equal("A customer's tier.", ((NamedSchema)Schema.GetField("Tier")!.Schema).Doc);
        Assert.Null(Schema.GetField("Version")!.Doc);
    }

    [Fact]
    public void Defaults_aliases_and_union_order_follow_the_attributes()
    {
        Assert.Equal(["nick", "handle"], Schema.GetField("DisplayName")!.Aliases);
        Assert.Equal(3, Schema.GetField("Version")!.Default!.Value.GetInt32());
        var locale = Schema.GetField("Locale")!;
        Assert.Equal("en", locale.Default!.Value.GetString());
        Assert.Equal([AvroType.String, AvroType.Null], ((UnionSchema)locale.Schema).Branches.Select(b => b.Type)); // the default's branch first
        Assert.Equal("Basic", ((EnumSchema)Schema.GetField("Tier")!.Schema).Default);
    }

    [Fact]
    public void A_nullable_member_without_AvroDefault_gets_default_null_with_null_first()
    {
        var note = ((RecordSchema)AvroSerializer.ParsedSchemaOf<Shop.Orders.OrderPlaced>()).GetField("Note")!;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, note.Default!.Value.ValueKind);
        Assert.Equal(AvroType.Null, ((UnionSchema)note.Schema).Branches[0].Type);
    }
}
