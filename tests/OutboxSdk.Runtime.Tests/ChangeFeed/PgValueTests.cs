using System.Text;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>Text forms the server only produces under some settings, and malformed input, which the database tests cannot reach.</summary>
public sealed class PgValueTests
{
    private static ReadOnlySpan<byte> T(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData("1 year 2 mons", null)]
    [InlineData("2 days 03:04:05.5", 183845.5)]
    [InlineData("-1 days -00:00:01", -86401.0)]
    [InlineData("00:00:00.000001", 0.000001)]
    [InlineData("@ 1 day", null)]
    public void Interval_text_in_the_postgres_style(string text, double? seconds)
    {
        if (seconds is null)
        {
            Assert.Throws<FormatException>(() => PgValue.ReadInterval(PgColumnKind.Text, T(text)));
            return;
        }

        Assert.Equal(TimeSpan.FromTicks((long)Math.Round(seconds.Value * TimeSpan.TicksPerSecond)), PgValue.ReadInterval(PgColumnKind.Text, T(text)));
    }

    [Fact]
    public void Text_arrays_with_a_lower_bound_prefix_escapes_and_a_nested_array()
    {
        var parse = new PgValueParser<string?>((f, v) => PgValue.ReadText(f, v));
        Assert.Equal(["x", "y\\z"], PgValue.ReadArray(PgColumnKind.Text, T("[0:1]={x,y\\\\z}"), parse, true));
        Assert.Equal([null, "null"], PgValue.ReadArray(PgColumnKind.Text, T("{NULL,\"null\"}"), parse, true));
        Assert.Throws<FormatException>(() => PgValue.ReadArray(PgColumnKind.Text, T("{{1,2},{3,4}}"), parse, true));
        Assert.Throws<FormatException>(() => PgValue.ReadArray(PgColumnKind.Text, T("{\"open}"), parse, true));
    }

    [Fact]
    public void Numeric_binary_special_values_and_overflow_are_errors()
    {
        byte[] nan = [0, 0, 0, 0, 0xC0, 0, 0, 0];
        Assert.Contains("NaN", Assert.Throws<FormatException>(() => PgValue.ReadNumeric(PgColumnKind.Binary, nan)).Message, StringComparison.Ordinal);
        byte[] huge = [0, 1, 0, 10, 0, 0, 0, 0, 0, 1]; // 1 · 10000^10 = 1e40
        Assert.Throws<OverflowException>(() => PgValue.ReadNumeric(PgColumnKind.Binary, huge));
        Assert.Throws<FormatException>(() => PgValue.ReadNumeric(PgColumnKind.Text, T("Infinity")));
    }

    [Fact]
    public void Parse_wraps_errors_with_the_value_and_rejects_null_columns()
    {
        var row = new PgRow(new PgRelation(1, "s", "t", ["n", "m"]), [PgColumnKind.Text, PgColumnKind.Null], ["12x"u8.ToArray(), default]);
        var error = Assert.Throws<PgRowException>(() => row.Parse(0, (f, v) => PgValue.ReadInt32(f, v)));
        Assert.Contains("'12x'", error.Message, StringComparison.Ordinal);
        Assert.Equal("s.t", error.Table);
        Assert.Throws<PgRowException>(() => row.Parse(1, (f, v) => PgValue.ReadInt32(f, v)));
        Assert.Equal(-1, row.IndexOf("missing"));
    }
}
