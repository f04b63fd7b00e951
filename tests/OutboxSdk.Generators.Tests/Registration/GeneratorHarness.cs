using System.Collections.Immutable;
using MediatR;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using OutboxSdk.Avro.Serialization;
using Shared = OutboxSdk.TestSupport.SourceGeneratorHarness;

namespace OutboxSdk.Registration.Tests;

/// <summary>The registration tests' preset of <see cref="Shared"/>: source text run as the compiler would, and what it emitted compiled.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The attributes and the Avro runtime: what any project with annotated types references.</summary>
    public static readonly ImmutableArray<MetadataReference> Serialization =
        [.. Shared.Framework, Shared.Of(typeof(OutboxMessageAttribute)), Shared.Of(typeof(IAvroSerializable<>))];

    /// <summary>Everything the registration needs: DI abstractions, MediatR and the OutboxSdk runtime.</summary>
    public static readonly ImmutableArray<MetadataReference> All =
        [.. Serialization, Shared.Of(typeof(IServiceCollection)), Shared.Of(typeof(IMediator)), Shared.Of(typeof(INotification)), Shared.Of(typeof(OutboxTypeRegistry))];

    public static GeneratorRun Run(string source, string assemblyName = "Shop.Orders", IEnumerable<MetadataReference>? references = null) =>
        Shared.Run(Driver(), Compilation(assemblyName, references ?? All, source));

    public static CSharpCompilation Compilation(string assemblyName, IEnumerable<MetadataReference> references, params string[] sources) =>
        Shared.Compile(assemblyName, references, ParseOptions, sources.Select((s, i) => ($"Source{i}.cs", s)));

    public static GeneratorDriver Driver() => Shared.CreateDriver(ParseOptions, trackSteps: true);
}
