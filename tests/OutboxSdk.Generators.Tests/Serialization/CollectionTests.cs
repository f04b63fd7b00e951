using OutboxSdk.Avro.Serialization;
using OutboxSdk.Serialization.Tests.Support;
using Serial.Collections;

namespace OutboxSdk.Serialization.Tests;

/// <summary>Arrays, lists, dictionaries, nested and with nullable elements; and what type each is read back as.</summary>
public sealed class CollectionTests
{
    internal static AllCollections Full() => new()
    {
        Array = [1, -2, int.MaxValue],
        List = ["a", "", "ü"],
        IList = [long.MinValue, 0],
        ReadOnlyList = [Guid.Parse("00000000-0000-0000-0000-000000000001"), Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff")],
        Collection = [0.5, double.NaN],
        ReadOnlyCollection = ["x"],
        Dictionary = new() { ["one"] = 1, ["two"] = 2 },
        IDictionary = new Dictionary<string, string> { [""] = "empty key", ["ключ"] = "value" },
        ReadOnlyDictionary = new Dictionary<string, DateTime> { ["t"] = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        Nested = [[1, 2], [], [3]],
        MapOfLists = new() { ["a"] = ["x", null], ["b"] = [] },
        ListOfMaps = [new() { ["k"] = 1 }, new()],
        NullableStrings = ["a", null, ""],
        NullableInts = [null, 0, 7],
        NullableItems = new() { ["some"] = new Item("i", 1), ["none"] = null },
        Items = [new Item("first", 1), new Item("second", 2)],
        Optional = [5],
        Prices = [0m, -1.5m, 999.999m],
    };

    [Fact]
    public void Every_collection_shape_follows_the_contract() => Contract.Check(Full());

    [Fact]
    public void Empty_collections_and_a_null_optional_follow_the_contract() => Contract.Check(new AllCollections());

    [Fact]
    public void Each_collection_is_read_back_as_a_concrete_type()
    {
        var back = AvroSerializer.Deserialize<AllCollections>(AvroSerializer.Serialize(Full()));
        Assert.IsType<int[]>(back.Array);
        Assert.IsType<string?[]>(back.NullableStrings);
        Assert.IsType<List<string>>(back.List);
        Assert.IsType<List<long>>(back.IList);
        Assert.IsType<List<Guid>>(back.ReadOnlyList);
        Assert.IsType<List<double>>(back.Collection);
        Assert.IsType<List<string>>(back.ReadOnlyCollection);
        Assert.IsType<List<Item>>(back.Items);
        Assert.IsType<Dictionary<string, int>>(back.Dictionary);
        Assert.IsType<Dictionary<string, string>>(back.IDictionary);
        Assert.IsType<Dictionary<string, DateTime>>(back.ReadOnlyDictionary);
    }

    [Fact]
    public void A_collection_that_is_not_a_list_is_written_through_its_enumerator()
    {
        var set = new HashSet<string> { "only" };
        Contract.Check(new AllCollections { ReadOnlyCollection = set }, new AllCollections { ReadOnlyCollection = ["only"] });
    }

    [Fact]
    public void A_null_element_of_a_non_nullable_element_type_is_a_type_error_naming_the_member()
    {
        var error = Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new AllCollections { List = ["a", null!] }));
        Assert.Equal("AllCollections.List[]", error.Path);
        var map = Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new AllCollections { IDictionary = new Dictionary<string, string> { ["k"] = null! } }));
        Assert.Equal("AllCollections.IDictionary{}", map.Path);
        var record = Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new AllCollections { Items = [null!] }));
        Assert.Equal("AllCollections.Items[]", record.Path);
    }

    [Fact]
    public void A_null_collection_in_a_non_nullable_member_is_a_type_error_naming_the_member()
    {
        Assert.Equal("AllCollections.Array", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new AllCollections { Array = null! })).Path);
        Assert.Equal("AllCollections.Dictionary", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new AllCollections { Dictionary = null! })).Path);
        Assert.Equal("AllCollections.Nested[]", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new AllCollections { Nested = [null!] })).Path);
    }
}
