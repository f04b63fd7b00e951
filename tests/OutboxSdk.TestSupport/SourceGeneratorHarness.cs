using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using OutboxSdk.Generators;

namespace OutboxSdk.TestSupport;

/// <summary>
/// Runs the OutboxSdk generator in-process over source text with <see cref="CSharpGeneratorDriver"/>, the way the
/// compiler does in a build: the compilation, the driver (additional files, MSBuild properties, step tracking) and
/// the run. An area's <c>GeneratorHarness</c> is a preset of it: its parse options, references and assembly name.
/// </summary>
public static class SourceGeneratorHarness
{
    private static readonly string[] TrustedPlatformAssemblies =
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);

    /// <summary>The framework's System.*, mscorlib and netstandard assemblies: no DI, no MediatR, no OutboxSdk.</summary>
    public static ImmutableArray<MetadataReference> Framework { get; } =
    [
        .. TrustedPlatformAssemblies
            .Where(path => Path.GetFileName(path) is var name
                && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .Select(path => MetadataReference.CreateFromFile(path)),
    ];

    /// <summary>Every assembly of the shared framework's folder, and none of the test host's own (xunit, Roslyn), which would hide a missing reference.</summary>
    public static ImmutableArray<MetadataReference> SharedFramework { get; } =
    [
        .. TrustedPlatformAssemblies
            .Where(path => string.Equals(Path.GetDirectoryName(path), Path.GetDirectoryName(typeof(object).Assembly.Location), StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path)),
    ];

    /// <summary>The assembly that defines <paramref name="type"/>, as a reference.</summary>
    public static MetadataReference Of(Type type) => MetadataReference.CreateFromFile(type.Assembly.Location);

    /// <summary>A library of <paramref name="sources"/> (path and text), nullable enabled, at <paramref name="warningLevel"/> (9999: every warning wave).</summary>
    public static CSharpCompilation Compile(string assemblyName, IEnumerable<MetadataReference> references, CSharpParseOptions parseOptions,
        IEnumerable<(string Path, string Text)> sources, int warningLevel = 4) =>
        CSharpCompilation.Create(
            assemblyName,
            sources.Select(source => CSharpSyntaxTree.ParseText(source.Text, parseOptions, path: source.Path)),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: warningLevel));

    /// <summary>
    /// A driver of the generator. <paramref name="additionalTexts"/> are AdditionalFiles items (schema history files);
    /// <paramref name="globalOptions"/> are analyzer config values such as <c>build_property.OutboxSchemaCompatibility</c>.
    /// </summary>
    public static GeneratorDriver CreateDriver(CSharpParseOptions parseOptions, bool trackSteps = false, IEnumerable<AdditionalText>? additionalTexts = null,
        IReadOnlyDictionary<string, string>? globalOptions = null) =>
        CSharpGeneratorDriver.Create(
            [new OutboxGenerator().AsSourceGenerator()],
            additionalTexts,
            parseOptions,
            globalOptions is null ? null : new Options(globalOptions),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs <paramref name="driver"/> once over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(compilation, output, driver, diagnostics);
    }

    private sealed class Options(IReadOnlyDictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Values.Empty;
    }

    private sealed class Values(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static Values Empty { get; } = new(new Dictionary<string, string>());

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}

/// <summary>An AdditionalFiles item held in memory.</summary>
public sealed class InMemoryText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
}

/// <summary>One generator run: the input compilation, the compilation with the generated sources, the driver after the run, and what the generator reported.</summary>
public sealed record GeneratorRun(Compilation Input, Compilation Output, GeneratorDriver Driver, ImmutableArray<Diagnostic> Diagnostics)
{
    public GeneratorDriverRunResult Result => Driver.GetRunResult();

    /// <summary>What the generator reported (<see cref="Diagnostics"/>).</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Diagnostics;

    /// <summary>The generated files, ordered by hint name.</summary>
    public IReadOnlyList<GeneratedSourceResult> Sources =>
        [.. Result.Results.SelectMany(r => r.GeneratedSources).OrderBy(s => s.HintName, StringComparer.Ordinal)];

    /// <summary>Errors and warnings of the compilation that includes the generated code (not hidden or info).</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems =>
        [.. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed)];

    /// <summary>Errors of the compilation with the generated sources added.</summary>
    public IReadOnlyList<Diagnostic> CompileErrors => [.. Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];

    /// <summary>
    /// What the generator reported and the user sees: the driver has already applied the compilation's
    /// #pragma and options, as the compiler does in a build.
    /// </summary>
    public IReadOnlyList<Diagnostic> Reported => [.. Diagnostics.Where(d => !d.IsSuppressed)];

    /// <summary>The generator's own diagnostics (OBX…), in order.</summary>
    public IReadOnlyList<Diagnostic> Obx => [.. Diagnostics.Where(d => d.Id.StartsWith("OBX", StringComparison.Ordinal))];

    public IReadOnlyList<Diagnostic> WithId(string id) => [.. Diagnostics.Where(d => d.Id == id)];

    /// <summary>The registration source, or null when none was emitted.</summary>
    public string? Registration => Result.Results.Single().GeneratedSources
        .Where(s => s.HintName.EndsWith("OutboxRegistration.g.cs", StringComparison.Ordinal))
        .Select(s => s.SourceText.ToString())
        .SingleOrDefault();

    /// <summary>The handler registrations emitted, as "handler → notification" without <c>global::</c>.</summary>
    public IReadOnlyList<string> RegisteredHandlers
    {
        get
        {
            const string marker = "new global::OutboxSdk.Registration.NotificationHandlerType(typeof(";
            return (Registration ?? "").Split('\n')
                .Where(line => line.Contains(marker, StringComparison.Ordinal))
                .Select(line => line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..line.LastIndexOf("))", StringComparison.Ordinal)].Replace("global::", "", StringComparison.Ordinal))
                .Select(pair => pair.Split("), typeof(") is [var handler, var notification] ? handler + " → " + notification : pair)
                .ToList();
        }
    }
}
