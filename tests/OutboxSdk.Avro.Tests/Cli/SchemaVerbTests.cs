using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OutboxSdk.Avro.Tests.Schema;

namespace OutboxSdk.Cli.Tests;

/// <summary><c>outbox avro canonical</c> and <c>fingerprint</c> on every case of Apache's schema-tests.txt.</summary>
public sealed class SchemaVerbTests : IClassFixture<TempDir>
{
    private readonly TempDir _temp;

    public SchemaVerbTests(TempDir temp) => _temp = temp;

    public static TheoryData<int> Cases() => SchemaTestsTxt.Indexes();

    [Fact]
    public void Schema_tests_txt_has_all_34_cases()
    {
        var inputs = File.ReadAllLines(SchemaTestsTxt.FilePath).Count(l => l.StartsWith("<<INPUT", StringComparison.Ordinal));
        Assert.Equal(34, inputs);
        Assert.Equal(inputs, SchemaTestsTxt.Load().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Canonical_prints_the_parsing_canonical_form(int index)
    {
        var testCase = SchemaTestsTxt.Load()[index];
        var result = CliHarness.Run("avro", "canonical", _temp.Write("schema.avsc", testCase.Input));
        Assert.Equal("", result.Stderr);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(testCase.Canonical + "\n", result.Stdout);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fingerprint_rabin_is_the_signed_decimal(int index)
    {
        var testCase = SchemaTestsTxt.Load()[index];
        var expected = testCase.Fingerprint ?? ReferenceRabin(Encoding.UTF8.GetBytes(testCase.Canonical));
        var file = _temp.Write("schema.avsc", testCase.Input);
        var byDefault = CliHarness.Run("avro", "fingerprint", file);
        var explicitly = CliHarness.Run("avro", "fingerprint", "--algorithm", "rabin", file);
        Assert.Equal(0, byDefault.ExitCode);
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture) + "\n", byDefault.Stdout);
        Assert.Equal(byDefault, explicitly);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fingerprint_md5_and_sha256_are_lowercase_hex_of_the_canonical_utf8(int index)
    {
        var testCase = SchemaTestsTxt.Load()[index];
        var canonical = Encoding.UTF8.GetBytes(testCase.Canonical);
        var file = _temp.Write("schema.avsc", testCase.Input);
#pragma warning disable CA5351 // MD5 is one of the spec's schema fingerprints.
        var md5 = Convert.ToHexStringLower(MD5.HashData(canonical));
#pragma warning restore CA5351
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(canonical));
        Assert.Equal(new CliResult(0, md5 + "\n", ""), CliHarness.Run("avro", "fingerprint", "--algorithm", "md5", file));
        Assert.Equal(new CliResult(0, sha256 + "\n", ""), CliHarness.Run("avro", "fingerprint", "-a", "sha256", file));
    }

    [Fact]
    public void The_reference_rabin_agrees_with_the_file_where_it_gives_one()
    {
        var withFingerprint = SchemaTestsTxt.Load().Where(c => c.Fingerprint is not null).ToList();
        Assert.NotEmpty(withFingerprint);
        Assert.All(withFingerprint, c => Assert.Equal(c.Fingerprint, ReferenceRabin(Encoding.UTF8.GetBytes(c.Canonical))));
    }

    [Fact]
    public void A_pretty_printed_schema_file_gives_one_canonical_line()
    {
        var file = _temp.Write("pretty.avsc", "{\n  \"type\": \"record\",\n  \"name\": \"R\",\n  \"doc\": \"d\",\n  \"fields\": [\n    {\"name\": \"a\", \"type\": \"int\", \"default\": 1}\n  ]\n}\n");
        Assert.Equal(new CliResult(0, "{\"name\":\"R\",\"type\":\"record\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}\n", ""),
            CliHarness.Run("avro", "canonical", file));
    }

    /// <summary>CRC-64-AVRO straight from the spec's reference code, bit by bit (no table).</summary>
    private static long ReferenceRabin(byte[] bytes)
    {
        const ulong empty = 0xc15d213aa4d7a795UL;
        var fp = empty;
        foreach (var b in bytes)
        {
            fp ^= b;
            for (var i = 0; i < 8; i++)
            {
                fp = (fp >> 1) ^ (empty & (0UL - (fp & 1)));
            }
        }

        return unchecked((long)fp);
    }
}
