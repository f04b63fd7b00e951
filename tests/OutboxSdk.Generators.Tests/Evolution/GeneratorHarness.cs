using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OutboxSdk.Avro.Serialization;
using Shared = OutboxSdk.TestSupport.SourceGeneratorHarness;

namespace OutboxSdk.Evolution.Tests;

/// <summary>The evolution tests' preset of <see cref="Shared"/>: source text, history files and MSBuild properties.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    private static readonly ImmutableArray<MetadataReference> References =
        [.. Shared.Framework, Shared.Of(typeof(OutboxMessageAttribute)), Shared.Of(typeof(AvroSerializer))];

    public static CSharpCompilation Compile(string source, string assemblyName = "Messages") =>
        Shared.Compile(assemblyName, References, ParseOptions, [("Messages.cs", source)]);

    /// <summary>
    /// Runs the generator. <paramref name="history"/> maps paths such as <c>schemas/x.v1.avsc</c> to their text;
    /// <paramref name="rule"/> is the OutboxSchemaCompatibility property (null: not set).
    /// </summary>
    public static GeneratorRun Run(string source, IReadOnlyDictionary<string, string>? history = null, string? rule = null) =>
        Run(CreateDriver(history, rule), Compile(source));

    public static GeneratorDriver CreateDriver(IReadOnlyDictionary<string, string>? history, string? rule) =>
        CreateDriver((history ?? new Dictionary<string, string>()).Select(pair => new InMemoryText("/project/" + pair.Key, pair.Value)), rule);

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> texts, string? rule) =>
        Shared.CreateDriver(ParseOptions, trackSteps: true, texts,
            rule is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["build_property.OutboxSchemaCompatibility"] = rule });

    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation) => Shared.Run(driver, compilation);
}
