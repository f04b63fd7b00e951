using System.Text.RegularExpressions;
using OutboxSdk.Avro;
using OutboxSdk.Avro.Compatibility;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Avro.Tests.Schema;
using OutboxSdk.Generators.Evolution;

namespace OutboxSdk.Evolution.Tests;

/// <summary>
/// The generator's netstandard2.0 checker must agree with the runtime's SchemaCompatibility: the same
/// incompatibilities, at the same paths, in the same words, on every schema pair.
/// </summary>
public partial class RuntimeParityTests
{
    private const int Seeds = 400;

    [Fact]
    public void Random_schema_pairs_get_the_same_incompatibilities()
    {
        int compatible = 0, incompatible = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var versions = Versions(seed);
            foreach (var reader in versions)
            {
                foreach (var writer in versions)
                {
                    if (AssertSameResolution(reader, writer))
                    {
                        compatible++;
                    }
                    else
                    {
                        incompatible++;
                    }
                }
            }
        }

        // Both verdicts are well represented, or the comparison proves little.
        Assert.True(compatible > 1000 && incompatible > 1000, $"compatible {compatible}, incompatible {incompatible}");
    }

    [Fact]
    public void Random_histories_get_the_same_result_at_every_level()
    {
        var broken = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var versions = Versions(seed);
            if (versions.Count < 3)
            {
                continue;
            }

            var history = versions.Take(versions.Count - 1).ToList();
            var proposed = versions[^1];
            foreach (var level in Enum.GetValues<CompatibilityLevel>())
            {
                var expected = SchemaCompatibility.Check(AvroSchema.Parse(proposed), [.. history.Select(AvroSchema.Parse)], level)
                    .Incompatibilities.Select(i => VersionOf().Replace(i.Message, "v$1")).ToList();
                var actual = CompatibilityRules.Check(SchemaNodeParser.Parse(proposed),
                    [.. history.Select((json, i) => new HistoryVersion(i + 1, SchemaNodeParser.Parse(json)))],
                    Enum.Parse<CompatibilityRule>(level.ToString()));
                Assert.True(expected.SequenceEqual(actual), $"{level}\nnew {proposed}\nhistory {string.Join("\n", history)}\n" +
                    $"runtime:\n{string.Join("\n", expected)}\ngenerator:\n{string.Join("\n", actual)}");
                broken += actual.Count > 0 ? 1 : 0;
            }
        }

        Assert.True(broken > 100, $"only {broken} breaking histories");
    }

    [Fact]
    public void Every_pair_of_the_apache_schema_corpus_gets_the_same_incompatibilities()
    {
        var schemas = SchemaTestsTxt.Load().Select(c => c.Input).ToList();
        Assert.True(schemas.Count > 30);
        foreach (var reader in schemas)
        {
            foreach (var writer in schemas)
            {
                AssertSameResolution(reader, writer);
            }
        }
    }

    public static TheoryData<string, string> Representative => new()
    {
        // Recursive types, named types used twice, aliases relative to a namespace, logical types.
        { """{"type":"record","name":"List","fields":[{"name":"head","type":"int"},{"name":"tail","type":["null","List"]}]}""",
          """{"type":"record","name":"List","fields":[{"name":"head","type":"long"},{"name":"tail","type":["null","List"]}]}""" },
        { """{"type":"record","name":"P","fields":[{"name":"a","type":{"type":"record","name":"Q","fields":[{"name":"x","type":"int"}]}},{"name":"b","type":"Q"}]}""",
          """{"type":"record","name":"P","fields":[{"name":"a","type":{"type":"record","name":"Q","fields":[{"name":"y","type":"int"}]}},{"name":"b","type":"Q"}]}""" },
        { """{"type":"record","name":"New","namespace":"a.b","aliases":["Old"],"fields":[]}""",
          """{"type":"record","name":"Old","namespace":"a.b","fields":[]}""" },
        { """{"type":"record","name":"New","namespace":"a.b","aliases":["c.Old"],"fields":[]}""",
          """{"type":"record","name":"Old","namespace":"a.b","fields":[]}""" },
        { """{"type":"fixed","name":"M","size":8,"logicalType":"decimal","precision":18,"scale":2}""",
          """{"type":"fixed","name":"M","size":8,"logicalType":"decimal","precision":18,"scale":3}""" },
        { """{"type":"fixed","name":"M","size":2,"logicalType":"decimal","precision":18,"scale":2}""",
          """{"type":"fixed","name":"M","size":2}""" },
        { """{"type":"bytes","logicalType":"decimal","precision":4,"scale":5}""",
          """{"type":"string","logicalType":"uuid"}""" },
        { """["null",{"type":"long","logicalType":"timestamp-micros"}]""",
          """{"type":"int","logicalType":"date"}""" },
        { """{"type":"map","values":{"type":"array","items":{"type":"enum","name":"E","symbols":["A"]}}}""",
          """{"type":"map","values":{"type":"array","items":{"type":"enum","name":"E","symbols":["A","B","C"]}}}""" },
        { """{"type":"error","name":"Failure","fields":[{"name":"why","type":"string","default":"?"}]}""",
          """{"type":"record","name":"Failure","fields":[]}""" },
        { """["int","string",{"type":"record","name":"R","fields":[]}]""",
          """["bytes","float",{"type":"record","name":"S","fields":[]}]""" },
    };

    [Theory]
    [MemberData(nameof(Representative))]
    public void Representative_pairs_get_the_same_incompatibilities_both_ways(string a, string b)
    {
        AssertSameResolution(a, b);
        AssertSameResolution(b, a);
    }

    // A base record and mutations of it; only the versions the runtime accepts, after checking that the
    // generator's parser accepts and rejects the same texts (it does not validate default values, so a
    // text it rejects must be rejected by the runtime, and one the runtime accepts must be accepted by it).
    private static List<string> Versions(int seed)
    {
        var random = new RandomSchemas(seed);
        var root = random.Record();
        var candidates = new[] { root, random.Mutate(root), random.Mutate(root, 2), random.Mutate(random.Mutate(root)), random.Mutate(root, 8) };
        var valid = new List<string>();
        foreach (var json in candidates.Select(c => c.ToJsonString()))
        {
            var runtimeAccepts = Accepts(() => AvroSchema.Parse(json));
            var generatorAccepts = Accepts(() => SchemaNodeParser.Parse(json));
            Assert.True(!runtimeAccepts || generatorAccepts, "the generator rejects a schema the runtime accepts: " + json);
            if (runtimeAccepts)
            {
                valid.Add(json);
            }
        }

        return valid;
    }

    private static bool Accepts(Action parse)
    {
        try
        {
            parse();
            return true;
        }
        catch (Exception e) when (e is AvroSchemaException or SchemaNodeException)
        {
            return false;
        }
    }

    private static bool AssertSameResolution(string reader, string writer)
    {
        var expected = SchemaCompatibility.CanRead(AvroSchema.Parse(reader), AvroSchema.Parse(writer))
            .Incompatibilities.Select(i => i.ReaderPath + ": " + i.Message).ToList();
        var actual = ResolutionRules.CanRead(SchemaNodeParser.Parse(reader), SchemaNodeParser.Parse(writer))
            .Select(b => b.ReaderPath + ": " + b.Message).ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"reader {reader}\nwriter {writer}\nruntime:\n{string.Join("\n", expected)}\ngenerator:\n{string.Join("\n", actual)}");
        return expected.Count == 0;
    }

    [GeneratedRegex(@"version (\d+) of \d+")]
    private static partial Regex VersionOf();
}
