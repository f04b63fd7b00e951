using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OutboxSdk.Generators.Diagnostics;
using OutboxSdk.Generators.Emitters;
using OutboxSdk.Generators.Model;
using OutboxSdk.Generators.Parsing;

namespace OutboxSdk.Generators;

/// <summary>
/// The OutboxSdk incremental generator: for every <c>[OutboxMessage]</c> and <c>[ChangeFeed]</c> type, its Avro
/// schema, canonical form, fingerprint and serializer, and the same for every type it reaches.
/// Parser → equatable model → emitters; one <c>ForAttributeWithMetadataName</c> per attribute.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class OutboxGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, asserted by the incremental tests.</summary>
    public static class Steps
    {
        /// <summary>[OutboxMessage] types parsed into the model.</summary>
        public const string Messages = "OutboxMessages";

        /// <summary>[ChangeFeed] types parsed into the model.</summary>
        public const string ChangeFeeds = "ChangeFeeds";

        /// <summary>Every root, collected.</summary>
        public const string AllRoots = "AllRoots";

        /// <summary>MediatR notification handlers parsed into the model.</summary>
        public const string Handlers = "NotificationHandlers";

        /// <summary>The assembly name and whether the registration's dependencies are referenced.</summary>
        public const string RegistrationTarget = "RegistrationTarget";

        /// <summary>Everything the registration emitter takes.</summary>
        public const string Registration = "Registration";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var messages = context.SyntaxProvider.ForAttributeWithMetadataName(
                KnownAttributes.OutboxMessage,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => TypeParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, (TypeDeclarationSyntax)ctx.TargetNode, ctx.Attributes[0], RootKind.Message, ct))
            .WithTrackingName(Steps.Messages);

        var changeFeeds = context.SyntaxProvider.ForAttributeWithMetadataName(
                KnownAttributes.ChangeFeed,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => TypeParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, (TypeDeclarationSyntax)ctx.TargetNode, ctx.Attributes[0], RootKind.ChangeFeed, ct))
            .WithTrackingName(Steps.ChangeFeeds);

        context.RegisterSourceOutput(messages, EmitRoot);
        context.RegisterSourceOutput(changeFeeds, EmitRoot);

        var all = messages.Collect().Combine(changeFeeds.Collect())
            .Select(static (pair, _) => new Internal.EquatableArray<RootSpec>(pair.Left.Concat(pair.Right)))
            .WithTrackingName(Steps.AllRoots);
        context.RegisterSourceOutput(all, EmitShared);
        RegistrationPipeline.Initialize(context, all);
    }

    private static void EmitRoot(SourceProductionContext context, RootSpec root)
    {
        foreach (var diagnostic in root.Diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }

        if (!root.CanEmit)
        {
            return;
        }

        var types = AvroSchemaEmitter.Index(root.Types);
        context.AddSource(HintName(root.Root.FullyQualifiedName, "Avro"), RootEmitter.Emit(root.Root, types));
    }

    private static void EmitShared(SourceProductionContext context, Internal.EquatableArray<RootSpec> roots)
    {
        var emittable = roots.Where(r => r.CanEmit).ToList();
        var types = AvroSchemaEmitter.Index(emittable.SelectMany(r => r.Types));
        foreach (var type in types.Values.OrderBy(t => t.FullyQualifiedName, System.StringComparer.Ordinal))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            context.AddSource(HintName(type.FullyQualifiedName, "AvroCodec"), SerializerEmitter.Emit(type, types));
        }

        ReportDuplicateSubjects(context, roots);
    }

    private static void ReportDuplicateSubjects(SourceProductionContext context, IEnumerable<RootSpec> roots)
    {
        foreach (var group in roots.Where(r => r.Root.Subject is not null).GroupBy(r => r.Root.Subject).Where(g => g.Count() > 1))
        {
            var list = group.OrderBy(r => r.Root.FullyQualifiedName, System.StringComparer.Ordinal).ToList();
            for (var i = 1; i < list.Count; i++)
            {
                var info = DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateSubject, null, group.Key!,
                    list[i].Root.FullyQualifiedName.Replace("global::", ""), list[0].Root.FullyQualifiedName.Replace("global::", ""));
                context.ReportDiagnostic((list[i].Location is { } location ? info with { FilePath = location.FilePath, Span = location.Span, LineSpan = location.LineSpan } : info).ToDiagnostic());
            }
        }
    }

    private static string HintName(string fullyQualifiedName, string suffix) =>
        SerializerEmitter.CodecName(fullyQualifiedName).Replace("_AvroCodec", "") + "." + suffix + ".g.cs";
}
