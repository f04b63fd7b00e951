using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Generators;

namespace OutboxSdk.Evolution.Tests;

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorRun(Compilation Output, ImmutableArray<Diagnostic> Diagnostics, GeneratorDriver Driver)
{
    /// <summary>The generator's own diagnostics (OBX…), in order.</summary>
    public IReadOnlyList<Diagnostic> Obx => [.. Diagnostics.Where(d => d.Id.StartsWith("OBX", StringComparison.Ordinal))];

    public IReadOnlyList<Diagnostic> WithId(string id) => [.. Diagnostics.Where(d => d.Id == id)];
}

/// <summary>An AdditionalFiles item held in memory.</summary>
internal sealed class InMemoryText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
}

/// <summary>Runs the real generator over source text, history files and MSBuild properties.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    private static readonly ImmutableArray<MetadataReference> References = LoadReferences();

    public static CSharpCompilation Compile(string source, string assemblyName = "Messages") =>
        CSharpCompilation.Create(assemblyName, [CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Messages.cs")], References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// Runs the generator. <paramref name="history"/> maps paths such as <c>schemas/x.v1.avsc</c> to their text;
    /// <paramref name="rule"/> is the OutboxSchemaCompatibility property (null: not set).
    /// </summary>
    public static GeneratorRun Run(string source, IReadOnlyDictionary<string, string>? history = null, string? rule = null)
    {
        var driver = CreateDriver(history, rule);
        return Run(driver, Compile(source));
    }

    public static GeneratorDriver CreateDriver(IReadOnlyDictionary<string, string>? history, string? rule) =>
        CreateDriver((history ?? new Dictionary<string, string>()).Select(pair => new InMemoryText("/project/" + pair.Key, pair.Value)), rule);

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> texts, string? rule)
    {
        return CSharpGeneratorDriver.Create(
            [new OutboxGenerator().AsSourceGenerator()],
            texts,
            ParseOptions,
            new Options(rule is null ? [] : new Dictionary<string, string> { ["build_property.OutboxSchemaCompatibility"] = rule }),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(output, diagnostics, driver);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return
        [
            .. platform.Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
                .Select(path => MetadataReference.CreateFromFile(path)),
            MetadataReference.CreateFromFile(typeof(OutboxMessageAttribute).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(AvroSerializer).Assembly.Location),
        ];
    }

    private sealed class Options(Dictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Values.Empty;
    }

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static Values Empty { get; } = new([]);

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            values.TryGetValue(key, out value);
    }
}
