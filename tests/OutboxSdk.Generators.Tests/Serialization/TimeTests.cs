using OutboxSdk.Avro.Serialization;
using OutboxSdk.Serialization.Tests.Support;
using Serial.Scalars;

namespace OutboxSdk.Serialization.Tests;

/// <summary>What the timestamp, time and duration mappings keep and what they drop (docs/type-mapping.md).</summary>
public sealed class TimeTests
{
    private static readonly DateTime InstantUtc = new(2026, 3, 29, 1, 30, 0, 123, DateTimeKind.Utc);
    private static readonly Times Base = new(InstantUtc, new DateTimeOffset(InstantUtc), new TimeOnly(12, 0), TimeSpan.FromSeconds(1), new DateOnly(2026, 3, 29));

    [Fact]
    public void A_local_DateTime_is_converted_to_UTC_and_read_back_with_kind_Utc()
    {
        var local = InstantUtc.ToLocalTime();
        Assert.Equal(DateTimeKind.Local, local.Kind);
        Contract.Check(Base with { At = local }, Base);
    }

    [Fact]
    public void An_unspecified_DateTime_is_taken_as_UTC_and_read_back_with_kind_Utc()
    {
        var unspecified = DateTime.SpecifyKind(InstantUtc, DateTimeKind.Unspecified);
        Contract.Check(Base with { At = unspecified }, Base);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-7)]
    [InlineData(14)]
    public void A_DateTimeOffset_keeps_its_instant_but_not_its_offset(int hours)
    {
        var offset = new DateTimeOffset(InstantUtc).ToOffset(TimeSpan.FromHours(hours));
        Assert.Equal(TimeSpan.FromHours(hours), offset.Offset);
        Contract.Check(Base with { AtOffset = offset }, Base);
        Assert.Equal(TimeSpan.Zero, AvroSerializer.Deserialize<Times>(AvroSerializer.Serialize(Base with { AtOffset = offset })).AtOffset.Offset);
    }

    [Fact]
    public void Sub_microsecond_ticks_are_dropped_rounding_down()
    {
        var withTicks = Base with
        {
            At = InstantUtc.AddTicks(9),
            AtOffset = new DateTimeOffset(InstantUtc.AddTicks(5)),
            Clock = new TimeOnly(12, 0).Add(TimeSpan.FromTicks(7)),
            Elapsed = TimeSpan.FromSeconds(1) + TimeSpan.FromTicks(9),
        };
        Contract.Check(withTicks, Base);
    }

    [Fact]
    public void Timestamps_before_1970_round_down_too()
    {
        var before = new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_995); // 0.5 µs before the epoch
        var expected = new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990);
        Contract.Check(Base with { At = before }, Base with { At = expected });
    }

    [Fact]
    public void A_negative_TimeSpan_keeps_its_sign_and_drops_ticks_toward_zero()
    {
        var negative = TimeSpan.FromMilliseconds(-1500) - TimeSpan.FromTicks(7);
        Contract.Check(Base with { Elapsed = negative }, Base with { Elapsed = TimeSpan.FromMilliseconds(-1500) });
        Contract.Check(Base with { Elapsed = TimeSpan.FromTicks(TimeSpan.MinValue.Ticks / 10 * 10) });
    }
}
