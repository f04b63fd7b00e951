using System.Linq;
using Microsoft.CodeAnalysis;
using OutboxSdk.Generators.Emitters;
using OutboxSdk.Generators.Internal;
using OutboxSdk.Generators.Model;
using OutboxSdk.Generators.Parsing;

namespace OutboxSdk.Generators;

/// <summary>
/// The registration part of <see cref="OutboxGenerator"/>: handlers found by a syntax scan, the roots reduced to
/// what registration needs, and the compilation's facts, combined into one source per compilation.
/// </summary>
internal static class RegistrationPipeline
{
    public static void Initialize(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<EquatableArray<RootSpec>> roots)
    {
        var handlers = context.SyntaxProvider.CreateSyntaxProvider(HandlerParser.IsCandidate, HandlerParser.Parse)
            .Where(static h => h is not null)
            .Select(static (h, _) => h!)
            .WithTrackingName(OutboxGenerator.Steps.Handlers);

        // Runs on every compilation change, but its output is two values, so what follows stays cached.
        var target = context.CompilationProvider
            .Select(static (compilation, _) => new RegistrationTarget(
                compilation.AssemblyName ?? "Assembly",
                compilation.GetTypeByMetadataName(HandlerParser.ServiceCollection) is not null
                    && compilation.GetTypeByMetadataName(HandlerParser.GeneratedRegistration) is not null,
                compilation.GetTypeByMetadataName(HandlerParser.NotificationHandler) is not null))
            .WithTrackingName(OutboxGenerator.Steps.RegistrationTarget);

        var types = roots.Select(static (all, _) => all.Where(r => r.CanEmit).Select(Reduce).ToEquatableArray());

        var registration = target
            .Combine(types)
            .Combine(handlers.Collect().Select(static (all, _) => all.Distinct().OrderBy(h => h.FullyQualifiedName, System.StringComparer.Ordinal).ToEquatableArray()))
            .Select(static (pair, _) => (Target: pair.Left.Left, Types: pair.Left.Right, Handlers: pair.Right))
            .WithTrackingName(OutboxGenerator.Steps.Registration);

        context.RegisterSourceOutput(registration, static (spc, input) =>
        {
            // Without DI and the OutboxSdk runtime the generated code could not compile: emit and report nothing.
            if (!input.Target.IsEnabled)
            {
                return;
            }

            spc.AddSource(RegistrationEmitter.ClassName(input.Target.AssemblyName) + ".g.cs",
                RegistrationEmitter.Emit(input.Target.AssemblyName, input.Types, input.Handlers, input.Target.HasMediatR));
        });

        // Diagnostics are reported against the compilation's own syntax trees: a location made from a file path
        // alone is not in a tree, and the compiler then ignores #pragma warning disable for it. Pairing with the
        // compilation reruns this output on every edit, but it only walks the (usually empty) diagnostics, and the
        // emitting output above stays cached.
        var diagnostics = handlers.Collect()
            .Select(static (all, _) => all.SelectMany(h => h.Diagnostics).Distinct().ToEquatableArray())
            .Combine(target)
            .Combine(context.CompilationProvider);
        context.RegisterSourceOutput(diagnostics, static (spc, input) =>
        {
            if (!input.Left.Right.IsEnabled || !input.Left.Right.HasMediatR)
            {
                return;
            }

            foreach (var info in input.Left.Left)
            {
                spc.ReportDiagnostic(InTree(info, input.Right));
            }
        });
    }

    private static Diagnostic InTree(Diagnostics.DiagnosticInfo info, Compilation compilation)
    {
        var diagnostic = info.ToDiagnostic();
        var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == info.FilePath);
        return tree is null || info.Span.End > tree.Length
            ? diagnostic
            : Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree, info.Span), [.. info.Arguments]);
    }

    private static RegisteredType Reduce(RootSpec root)
    {
        var key = root.Root.Members.FirstOrDefault(m => m.IsPartitionKey);
        return new RegisteredType
        {
            FullyQualifiedName = root.Root.FullyQualifiedName,
            Kind = root.Root.Root,
            Subject = root.Root.Subject,
            Table = root.Root.Table,
            ReplicaIdentity = root.Root.ReplicaIdentity,
            PartitionKeyMember = key?.Name,
            PartitionKeyType = key?.Type,
        };
    }
}
