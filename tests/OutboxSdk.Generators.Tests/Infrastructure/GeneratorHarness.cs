using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OutboxSdk.Avro.Serialization;

namespace OutboxSdk.Generators.Tests.Infrastructure;

/// <summary>
/// Compiles test sources against the runtime, OutboxSdk.Abstractions and OutboxSdk.Avro, and runs the
/// generator over them with <see cref="CSharpGeneratorDriver"/>, the way the compiler does in a build.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>C# as a user writes it today; doc comments parsed so the generator can read summaries.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Parse);

    // Warning level 9999 turns on every warning wave, like AnalysisLevel=latest does in our builds.
    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        warningLevel: 9999);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>The runtime's assemblies plus the two OutboxSdk assemblies generated code uses.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "TestAssembly",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: "Source" + i + ".cs")),
            References,
            CompilationOptions);

    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new OutboxGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once over <paramref name="sources"/>.</summary>
    public static GeneratorRun Run(params string[] sources)
    {
        var compilation = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorRun(compilation, output, driver.GetRunResult(), generatorDiagnostics);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The shared framework's assemblies only: the test host's own (xunit, Roslyn) would hide a missing reference.
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => string.Equals(Path.GetDirectoryName(p), framework, StringComparison.Ordinal));
        var ours = new[] { typeof(OutboxMessageAttribute).Assembly.Location, typeof(IAvroSerializable<>).Assembly.Location };
        return [.. trusted.Concat(ours).Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}

/// <summary>One generator run: the input compilation, the compilation with the generated sources, and what was reported.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriverRunResult Result,
    ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    /// <summary>The generated files, ordered by hint name.</summary>
    public IReadOnlyList<GeneratedSourceResult> Sources =>
        [.. Result.Results.SelectMany(r => r.GeneratedSources).OrderBy(s => s.HintName, StringComparer.Ordinal)];

    /// <summary>Errors and warnings of the compilation that includes the generated code (not hidden or info).</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems =>
        [.. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed)];

    /// <summary>
    /// What the generator reported and the user sees: the driver has already applied the compilation's
    /// #pragma and options, as the compiler does in a build.
    /// </summary>
    public IReadOnlyList<Diagnostic> Reported => [.. GeneratorDiagnostics.Where(d => !d.IsSuppressed)];
}
