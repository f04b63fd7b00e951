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

        // A message is a MediatR notification: the partial part says so when the compilation has MediatR's
        // INotification (the OutboxSdk package brings MediatR.Contracts), so handlers compile without the user writing it.
        var notification = context.CompilationProvider.Select(static (compilation, _) => compilation.GetTypeByMetadataName(KnownAttributes.Notification) is not null);
        context.RegisterSourceOutput(messages.Combine(notification), static (ctx, pair) => EmitRoot(ctx, pair.Left, pair.Right));
        context.RegisterSourceOutput(changeFeeds, static (ctx, root) => EmitRoot(ctx, root, false));

        var all = messages.Collect().Combine(changeFeeds.Collect())
            .Select(static (pair, _) => new Internal.EquatableArray<RootSpec>(pair.Left.Concat(pair.Right)))
            .WithTrackingName(Steps.AllRoots);
        context.RegisterSourceOutput(all, EmitShared);

        Evolution.EvolutionPipeline.Register(context, messages, all);

        // Row decoders, descriptors and the schema list use types of the OutboxSdk runtime: emit them only when
        // the compilation references it, so a project with the abstractions alone still builds.
        var runtime = context.CompilationProvider.Select(static (compilation, _) => new RuntimeSupport(
            compilation.GetTypeByMetadataName("OutboxSdk.ChangeFeed.PgRow") is not null,
            compilation.GetTypeByMetadataName("OutboxSdk.Schema.MessageSchema") is not null));
        context.RegisterSourceOutput(changeFeeds.Combine(runtime), EmitChangeFeed);
        context.RegisterSourceOutput(all.Combine(runtime), static (ctx, pair) =>
        {
            if (pair.Right.Schemas)
            {
                ctx.AddSource("OutboxSchemas.g.cs", OutboxSchemaEmitter.Emit(pair.Left));
            }
        });

        // Diagnostics need the syntax tree back so that #pragma warning disable applies to them (a location
        // made from a file path is never checked against pragmas; see dotnet/runtime PR 124994). Only this
        // cheap step sees the compilation: source generation stays keyed on the model alone.
        context.RegisterSourceOutput(all.Combine(context.CompilationProvider), static (ctx, pair) => ReportDiagnostics(ctx, pair.Left, pair.Right));

        RegistrationPipeline.Initialize(context, all);
    }

    private static void EmitChangeFeed(SourceProductionContext context, (RootSpec Root, RuntimeSupport Runtime) input)
    {
        if (!input.Root.CanEmit || input.Root.Root.Table is null)
        {
            return;
        }

        context.AddSource(HintName(input.Root.Root.FullyQualifiedName, "Ddl"), DdlEmitter.Emit(input.Root.Root, input.Runtime.ChangeFeed));
        if (input.Runtime.ChangeFeed)
        {
            context.AddSource(HintName(input.Root.Root.FullyQualifiedName, "RowDecoder"), RowDecoderEmitter.Emit(input.Root.Root));
        }
    }

    /// <summary>Which OutboxSdk runtime types the compilation can use.</summary>
    private sealed record RuntimeSupport(bool ChangeFeed, bool Schemas);

    private static void EmitRoot(SourceProductionContext context, RootSpec root, bool notification)
    {
        if (!root.CanEmit)
        {
            return;
        }

        var types = AvroSchemaEmitter.Index(root.Types);
        context.AddSource(HintName(root.Root.FullyQualifiedName, "Avro"), RootEmitter.Emit(root.Root, types, notification));
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
    }

    private static void ReportDiagnostics(SourceProductionContext context, Internal.EquatableArray<RootSpec> roots, Compilation compilation)
    {
        foreach (var diagnostic in roots.SelectMany(r => r.Diagnostics))
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic(compilation));
        }

        ReportDuplicateSubjects(context, roots, compilation);
    }

    private static void ReportDuplicateSubjects(SourceProductionContext context, IEnumerable<RootSpec> roots, Compilation compilation)
    {
        foreach (var group in roots.Where(r => r.Root.Subject is not null).GroupBy(r => r.Root.Subject).Where(g => g.Count() > 1))
        {
            var list = group.OrderBy(r => r.Root.FullyQualifiedName, System.StringComparer.Ordinal).ToList();
            for (var i = 1; i < list.Count; i++)
            {
                var info = DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateSubject, null, group.Key!,
                    list[i].Root.FullyQualifiedName.Replace("global::", ""), list[0].Root.FullyQualifiedName.Replace("global::", ""));
                context.ReportDiagnostic((list[i].Location is { } location ? info with { FilePath = location.FilePath, Span = location.Span, LineSpan = location.LineSpan } : info).ToDiagnostic(compilation));
            }
        }
    }

    private static string HintName(string fullyQualifiedName, string suffix) =>
        SerializerEmitter.CodecName(fullyQualifiedName).Replace("_AvroCodec", "") + "." + suffix + ".g.cs";
}
