using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OutboxSdk.Avro.Serialization;
using static OutboxSdk.TestSupport.SourceGeneratorHarness;

namespace OutboxSdk.Generators.Tests.Infrastructure;

/// <summary>
/// The generator tests' preset of <see cref="OutboxSdk.TestSupport.SourceGeneratorHarness"/>: test sources compiled
/// against the shared framework, OutboxSdk.Abstractions and OutboxSdk.Avro, with every warning wave on.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>C# as a user writes it today; doc comments parsed so the generator can read summaries.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Parse);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences =
        new(() => [.. SharedFramework, Of(typeof(OutboxMessageAttribute)), Of(typeof(IAvroSerializable<>))]);

    /// <summary>The runtime's assemblies plus the two OutboxSdk assemblies generated code uses.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    // Warning level 9999 turns on every warning wave, like AnalysisLevel=latest does in our builds.
    public static CSharpCompilation Compile(params string[] sources) =>
        OutboxSdk.TestSupport.SourceGeneratorHarness.Compile("TestAssembly", References, ParseOptions, sources.Select((s, i) => ("Source" + i + ".cs", s)), warningLevel: 9999);

    public static GeneratorDriver CreateDriver(bool trackSteps = false) => OutboxSdk.TestSupport.SourceGeneratorHarness.CreateDriver(ParseOptions, trackSteps);

    /// <summary>Runs the generator once over <paramref name="sources"/>.</summary>
    public static GeneratorRun Run(params string[] sources) => OutboxSdk.TestSupport.SourceGeneratorHarness.Run(CreateDriver(), Compile(sources));
}
