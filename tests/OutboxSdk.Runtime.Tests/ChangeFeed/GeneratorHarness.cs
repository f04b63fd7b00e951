using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Shared = OutboxSdk.TestSupport.SourceGeneratorHarness;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>The change-feed tests' preset of <see cref="Shared"/>: a snippet's diagnostics and the compiled result.</summary>
internal static class GeneratorHarness
{
    public static (ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compilation, string[] HintNames, Func<Diagnostic, string> At) Run(string source, bool withRuntime = true, bool withRegistration = false)
    {
        var references = Shared.Framework.Add(Shared.Of(typeof(KeyAttribute))).Add(Shared.Of(typeof(Avro.Serialization.AvroSerializer)));
        if (withRuntime)
        {
            references = references.Add(Shared.Of(typeof(PgRow)));
        }

        if (withRegistration)
        {
            // DI and MediatR turn on the generated registration, which captures the entities' row decoders.
            references = references.Add(Shared.Of(typeof(MediatR.INotification))).Add(Shared.Of(typeof(MediatR.INotificationHandler<>))).Add(Shared.Of(typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection)));
        }

        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var run = Shared.Run(Shared.CreateDriver(parseOptions), Shared.Compile("Snippet", references, parseOptions, [("Snippet.cs", source)]));
        var hints = run.Result.Results.SelectMany(r => r.GeneratedSources).Select(s => s.HintName).ToArray();
        // The generator reports locations as file path and span (its model holds no syntax trees), so the text a
        // diagnostic points at is cut from the source by span.
        return (run.Diagnostics, run.Output.GetDiagnostics(), hints, d => source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }
}
