using System.Reflection;
using OutboxSdk.Avro.Tests;
using System.Text.RegularExpressions;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Serialization;
using ApacheNormalization = Avro.SchemaNormalization;
using ApacheSchema = Avro.Schema;

namespace OutboxSdk.Serialization.Tests;

/// <summary>
/// Every schema the generator emits — for the annotated types compiled into this project and in the approved
/// snapshots — parses in Apache.Avro, Apache's .NET implementation, to the Parsing Canonical Form and CRC-64-AVRO
/// fingerprint the generator computed at compile time (see Avro spec, "Parsing Canonical Form for Schemas",
/// "Schema Fingerprints").
/// </summary>
public sealed partial class ApacheAvroSchemaTests
{
    public static TheoryData<string> CompiledTypes() =>
        [.. GeneratedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Snapshots() =>
        [.. Directory.GetFiles(SnapshotDirectory, "*.Avro.g.verified.cs").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(CompiledTypes))]
    public void CompiledType_SameInApacheAvro(string typeName)
    {
        Type type = GeneratedTypes().Single(t => t.FullName == typeName);
        var contract = (Contract)typeof(ApacheAvroSchemaTests).GetMethod(nameof(ContractOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, null)!;
        AssertSameInApacheAvro(contract, typeName);
    }

    [Theory]
    [MemberData(nameof(Snapshots))]
    public void SnapshotSchema_SameInApacheAvro(string file)
    {
        string source = File.ReadAllText(Path.Combine(SnapshotDirectory, file));
        foreach (Match match in SchemaJsonMember().Matches(source))
        {
            string type = match.Groups["type"].Value;
            var contract = new Contract(
                Member(source, type, "AvroSchemaJson"),
                Member(source, type, "AvroCanonicalForm"),
                long.Parse(FingerprintMember().Match(source, match.Index).Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));
            AssertSameInApacheAvro(contract, file + " " + type);
        }
    }

    [Fact]
    public void TheseTestsSeeTheGeneratedTypes()
    {
        Assert.True(GeneratedTypes().Count() >= 15, $"only {GeneratedTypes().Count()} generated types found");
        Assert.True(Snapshots().Count >= 5, $"only {Snapshots().Count} snapshots found");
    }

    private sealed record Contract(string SchemaJson, string CanonicalForm, long Fingerprint);

    private static Contract ContractOf<T>() where T : IAvroSerializable<T> =>
        new(T.AvroSchemaJson, T.AvroCanonicalForm, T.AvroFingerprint);

    private static void AssertSameInApacheAvro(Contract contract, string context)
    {
        ApacheSchema theirs = ApacheSchema.Parse(contract.SchemaJson);
        Assert.True(contract.CanonicalForm == ApacheNormalization.ToParsingForm(theirs),
            $"{context}: canonical forms differ{Environment.NewLine}generated: {contract.CanonicalForm}{Environment.NewLine}Apache:    {ApacheNormalization.ToParsingForm(theirs)}");
        Assert.Equal(contract.Fingerprint, ApacheNormalization.ParsingFingerprint64(theirs));

        // And the runtime parser agrees with both.
        Assert.Equal(contract.CanonicalForm, AvroSchema.Parse(contract.SchemaJson).ToCanonicalForm());
    }

    // Every IAvroSerializable<T> of this assembly but Invoice, a hand-written stand-in (fingerprint 42) for another
    // assembly's generated code in the registration tests.
    private static IEnumerable<Type> GeneratedTypes() =>
        typeof(ApacheAvroSchemaTests).Assembly.GetTypes().Where(t => t != typeof(OutboxSdk.Registration.Tests.Invoice) && !t.IsGenericTypeDefinition && t.GetInterfaces().Any(i =>
            i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAvroSerializable<>) && i.GetGenericArguments()[0] == t));

    private static string SnapshotDirectory => Path.Combine(TestData.RepoRoot, "tests", "OutboxSdk.Generators.Tests", "Snapshots");

    private static string Member(string source, string type, string member)
    {
        var match = Regex.Match(source, "IAvroSerializable<" + Regex.Escape(type) + ">\\." + member + " => \"(?<value>(?:[^\"\\\\]|\\\\.)*)\";");
        Assert.True(match.Success, $"{type}.{member} not found");
        return Regex.Unescape(match.Groups["value"].Value);
    }

    [GeneratedRegex("IAvroSerializable<(?<type>[^>]+)>\\.AvroSchemaJson => ")]
    private static partial Regex SchemaJsonMember();

    [GeneratedRegex("\\.AvroFingerprint => (?<value>-?[0-9]+)L;")]
    private static partial Regex FingerprintMember();
}
