using OutboxSdk.Serialization.Tests.Support;
using Serial.Scalars;

namespace OutboxSdk.Serialization.Tests;

/// <summary>Every scalar mapping: round trip, schema constants, generic reader and writer agreement.</summary>
public sealed class ScalarTests
{
    private static readonly DateTime Utc = new DateTime(2026, 11, 21, 9, 30, 15, DateTimeKind.Utc).AddTicks(1234560);

    public static TheoryData<string> Cases() => ["typical", "extremes", "empty"];

    internal static AllScalars Sample(string name) => name switch
    {
        "typical" => new AllScalars(true, 42, 1L << 40, 1.5f, Math.PI, "grüße, 世界 🎉", [1, 2, 3], new byte[] { 9, 8 }.AsMemory(),
            Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), Utc, new DateTimeOffset(Utc), new DateOnly(2026, 11, 21),
            new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_990)), TimeSpan.FromMinutes(-90.5), 1234567.89m, Priority.High),
        "extremes" => new AllScalars(false, int.MinValue, long.MaxValue, float.NaN, double.NegativeInfinity, new string('x', 300), new byte[200],
            ReadOnlyMemory<byte>.Empty, Guid.Empty, new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990), DateOnly.MinValue, TimeOnly.MinValue,
            TimeSpan.FromTicks(TimeSpan.MinValue.Ticks / 10 * 10), -9999999.99m, Priority.Low),
        _ => new AllScalars(false, 0, 0, -0.0f, 0.0, "", [], default, Guid.Empty, DateTime.UnixEpoch, DateTimeOffset.UnixEpoch,
            DateOnly.FromDateTime(DateTime.UnixEpoch), TimeOnly.MinValue, TimeSpan.Zero, 0m, Priority.Normal),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void All_scalars_follow_the_contract(string name) => Contract.Check(Sample(name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void All_scalars_as_nullable_follow_the_contract(string name)
    {
        var s = Sample(name);
        Contract.Check(new NullableScalars
        {
            Flag = s.Flag, Count = s.Count, Big = s.Big, Ratio = s.Ratio, Measure = s.Measure, Text = s.Text, Blob = s.Blob, Memory = s.Memory,
            Id = s.Id, At = s.At, AtOffset = s.AtOffset, Day = s.Day, Clock = s.Clock, Elapsed = s.Elapsed, Amount = s.Amount, Priority = s.Priority,
        });
    }

    [Fact]
    public void Nullable_scalars_all_null_are_one_union_index_each()
    {
        var bytes = Contract.Check(new NullableScalars());
        Assert.Equal(new byte[16], bytes); // 16 members, each union index 0 (null first)
    }

    [Fact]
    public void Logical_types_have_their_spec_encodings()
    {
        var generic = (OutboxSdk.Avro.Generic.GenericRecord)new OutboxSdk.Avro.Generic.GenericDatumReader(Contract.CheckSchema<AllScalars>())
            .Read(Avro.Serialization.AvroSerializer.Serialize(Sample("typical")))!;
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", generic["Id"]);
        Assert.Equal(1795253415123456L, generic["At"]); // 2026-11-21T09:30:15.123456Z in µs since the epoch
        Assert.Equal(20778, generic["Day"]); // days since 1970-01-01
        Assert.Equal(86_399_999_999L, generic["Clock"]); // 23:59:59.999999 in µs after midnight
        Assert.Equal(-5_430_000_000L, generic["Elapsed"]); // -90.5 minutes in µs
        Assert.Equal(new byte[] { 0x07, 0x5B, 0xCD, 0x15 }, generic["Amount"]); // 123456789 unscaled at scale 2
        Assert.Equal("High", ((OutboxSdk.Avro.Generic.GenericEnum)generic["Priority"]!).Symbol);
    }

    [Fact]
    public void An_enum_value_that_is_not_a_member_is_a_type_error()
    {
        var error = Assert.Throws<AvroTypeException>(() => Avro.Serialization.AvroSerializer.Serialize(Sample("typical") with { Priority = (Priority)7 }));
        Assert.Contains("7 is not a member of Priority", error.Message, StringComparison.Ordinal);
    }
}
