using System.Collections.Immutable;
using MediatR;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Generators;
using OutboxSdk.Registration;

namespace OutboxSdk.Registration.Tests;

/// <summary>Runs the generator over source text, as the compiler would, and compiles what it emitted.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The framework only: none of the assemblies the registration depends on.</summary>
    private static readonly ImmutableArray<MetadataReference> Framework =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) is var name
                && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .Select(path => MetadataReference.CreateFromFile(path)),
    ];

    private static MetadataReference Of(Type type) => MetadataReference.CreateFromFile(type.Assembly.Location);

    /// <summary>The attributes and the Avro runtime: what any project with annotated types references.</summary>
    public static readonly ImmutableArray<MetadataReference> Serialization =
        [.. Framework, Of(typeof(OutboxMessageAttribute)), Of(typeof(IAvroSerializable<>))];

    /// <summary>Everything the registration needs: DI abstractions, MediatR and the OutboxSdk runtime.</summary>
    public static readonly ImmutableArray<MetadataReference> All =
        [.. Serialization, Of(typeof(IServiceCollection)), Of(typeof(IMediator)), Of(typeof(OutboxTypeRegistry))];

    public static GeneratorRun Run(string source, string assemblyName = "Shop.Orders", IEnumerable<MetadataReference>? references = null)
    {
        var compilation = Compilation(assemblyName, references ?? All, source);
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(driver.GetRunResult(), output, diagnostics);
    }

    public static CSharpCompilation Compilation(string assemblyName, IEnumerable<MetadataReference> references, params string[] sources) =>
        CSharpCompilation.Create(assemblyName,
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() =>
        CSharpGeneratorDriver.Create([new OutboxGenerator().AsSourceGenerator()], parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
}

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorRun(GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Diagnostics)
{
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
            const string marker = "ServiceDescriptor.Transient<global::MediatR.INotificationHandler<";
            return (Registration ?? "").Split('\n')
                .Where(line => line.Contains(marker, StringComparison.Ordinal))
                .Select(line => line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..line.LastIndexOf(">()", StringComparison.Ordinal)].Replace("global::", ""))
                .Select(pair => pair.Split(">, ") is [var notification, var handler] ? handler + " → " + notification : pair)
                .ToList();
        }
    }

    /// <summary>Errors of the compilation with the generated sources added.</summary>
    public IReadOnlyList<Diagnostic> CompileErrors => Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
}
