using OutboxSdk.Avro.Serialization;
using OutboxSdk.Serialization.Tests.Support;
using Serial.Scalars;

namespace OutboxSdk.Serialization.Tests;

/// <summary>Decimals are exact: written at the schema's scale, never rounded, and refused when they do not fit.</summary>
public sealed class DecimalTests
{
    public static TheoryData<decimal> FittingSmall() => [0m, 0.00m, -0.01m, 1.5m, -1.5m, 999.99m, -999.99m, 12m, 1.5000000m, 999.990000m, 100m];

    [Theory]
    [MemberData(nameof(FittingSmall))]
    public void Values_that_fit_decimal_5_2_round_trip(decimal value)
    {
        var back = AvroSerializer.Deserialize<Decimals>(Contract.Check(new Decimals { Small = value }));
        Assert.Equal(2, back.Small.Scale); // read back at the schema's scale: 1.5 comes back as 1.50
    }

    [Fact]
    public void The_largest_values_of_each_precision_round_trip()
    {
        Contract.Check(new Decimals
        {
            Small = 999.99m,
            Whole = 9999999999999999999999999999m, // 28 nines
            Fraction = 0.9999999999999999999999999999m,
            Defaulted = 999999999999999999.9999999999m, // 18 + 10 digits
        });
        Contract.Check(new Decimals { Whole = -9999999999999999999999999999m, Fraction = -0.0000000000000000000000000001m, Defaulted = -0.0000000001m });
    }

    [Theory]
    [InlineData("1000", "Decimals.Small", "more than 5 digits")]
    [InlineData("-1000.00", "Decimals.Small", "more than 5 digits")]
    [InlineData("1.001", "Decimals.Small", "more than 2 digits after the point")]
    [InlineData("0.005", "Decimals.Small", "more than 2 digits after the point")]
    public void Values_that_do_not_fit_are_a_type_error_naming_the_member(string text, string member, string reason)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var error = Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new Decimals { Small = value }));
        Assert.Equal(member, error.Path);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Overflow_at_the_largest_precision_is_a_type_error_not_a_wrap()
    {
        Assert.Equal("Decimals.Whole", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new Decimals { Whole = decimal.MaxValue })).Path);
        Assert.Equal("Decimals.Fraction", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new Decimals { Fraction = 1m })).Path);
        Assert.Equal("Decimals.Defaulted", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new Decimals { Defaulted = 1e18m })).Path);
        Assert.Equal("Decimals.Defaulted", Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new Decimals { Defaulted = 0.00000000001m })).Path);
    }

    [Fact]
    public void The_default_mapping_is_decimal_28_10()
    {
        var schema = Contract.CheckSchema<Decimals>();
        var field = ((OutboxSdk.Avro.Schema.RecordSchema)schema).GetField("Defaulted")!;
        Assert.Equal((28, 10), (field.Schema.LogicalType!.Precision, field.Schema.LogicalType.Scale));
    }

    [Fact]
    public void Decimals_inside_collections_and_nullables_are_checked_too()
    {
        var error = Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new Serial.Collections.AllCollections { Prices = [1.5m, 1000m] }));
        Assert.Equal("AllCollections.Prices[]", error.Path);
        var nullable = Assert.Throws<AvroTypeException>(() => AvroSerializer.Serialize(new NullableScalars { Amount = 0.001m }));
        Assert.Equal("NullableScalars.Amount", nullable.Path);
    }
}
