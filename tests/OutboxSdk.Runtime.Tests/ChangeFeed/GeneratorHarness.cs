using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OutboxSdk.Generators;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>Runs the real generator over a snippet and returns its diagnostics and the compiled result.</summary>
internal static class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> Framework = [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator).Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
        .Select(p => MetadataReference.CreateFromFile(p))];

    public static (ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compilation, string[] HintNames, Func<Diagnostic, string> At) Run(string source, bool withRuntime = true, bool withRegistration = false)
    {
        var references = Framework.Add(MetadataReference.CreateFromFile(typeof(KeyAttribute).Assembly.Location))
            .Add(MetadataReference.CreateFromFile(typeof(Avro.Serialization.AvroSerializer).Assembly.Location));
        if (withRuntime)
        {
            references = references.Add(MetadataReference.CreateFromFile(typeof(PgRow).Assembly.Location));
        }

        if (withRegistration)
        {
            // DI and MediatR turn on the generated registration, which captures the entities' row decoders.
            references = references.Add(MetadataReference.CreateFromFile(typeof(MediatR.INotification).Assembly.Location))
                .Add(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location));
        }

        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create("Snippet", [CSharpSyntaxTree.ParseText(source, parseOptions, path: "Snippet.cs")],
            references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create([new OutboxGenerator().AsSourceGenerator()], parseOptions: parseOptions).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var hints = driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToArray();
        // The generator reports locations as file path and span (its model holds no syntax trees), so the text a
        // diagnostic points at is cut from the source by span.
        return (diagnostics, output.GetDiagnostics(), hints, d => source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }
}
