using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using OutboxSdk.Generators.Diagnostics;
using OutboxSdk.Generators.Parsing;

namespace OutboxSdk.Generators.Analyzers;

/// <summary>
/// Misuse of <c>IOutbox</c> found at compile time: publishing a type that is not an <c>[OutboxMessage]</c> (the
/// compiler's own error is a bare CS0311 about <c>IAvroSerializable&lt;T&gt;</c>), and publishing a <c>[ChangeFeed]</c>
/// entity, which compiles (entities are serializable) but is never a message.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PublishAnalyzer : DiagnosticAnalyzer
{
    private const string Outbox = "OutboxSdk.IOutbox";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.PublishedTypeNotMessage, DiagnosticDescriptors.PublishedChangeFeedEntity];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (start.Compilation.GetTypeByMetadataName(Outbox) is { } outbox)
            {
                start.RegisterSyntaxNodeAction(c => Analyze(c, outbox), SyntaxKind.InvocationExpression);
            }
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, INamedTypeSymbol outbox)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (invocation.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "PublishAsync" or "PublishBatchAsync" } access)
        {
            return;
        }

        // A call with a type that breaks the constraint does not bind: its method is then among the candidates.
        var info = context.SemanticModel.GetSymbolInfo(invocation, context.CancellationToken);
        var method = info.Symbol as IMethodSymbol ?? info.CandidateSymbols.OfType<IMethodSymbol>().FirstOrDefault();
        if (method is null || !SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, outbox))
        {
            return;
        }

        var published = PublishedType(context, invocation, method, access.Name.Identifier.ValueText == "PublishBatchAsync");
        if (published is null or ITypeParameterSymbol or IErrorTypeSymbol)
        {
            return; // generic code passes its caller's type on: the caller's call is checked
        }

        var attributes = published.GetAttributes().Select(a => a.AttributeClass?.ToDisplayString()).ToList();
        var name = published.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
        if (attributes.Contains(KnownAttributes.ChangeFeed))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PublishedChangeFeedEntity, invocation.GetLocation(), name));
        }
        else if (!attributes.Contains(KnownAttributes.OutboxMessage))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PublishedTypeNotMessage, invocation.GetLocation(), name));
        }
    }

    /// <summary>The message type: the bound type argument, or the argument's type (the element type for a batch) when the call did not bind.</summary>
    private static ITypeSymbol? PublishedType(SyntaxNodeAnalysisContext context, InvocationExpressionSyntax invocation, IMethodSymbol method, bool batch)
    {
        if (method.IsGenericMethod && method.TypeArguments[0] is { TypeKind: not TypeKind.TypeParameter and not TypeKind.Error } bound
            && !SymbolEqualityComparer.Default.Equals(method, method.OriginalDefinition))
        {
            return bound;
        }

        if (invocation.ArgumentList.Arguments.Count == 0)
        {
            return null;
        }

        var argument = context.SemanticModel.GetTypeInfo(invocation.ArgumentList.Arguments[0].Expression, context.CancellationToken).Type;
        if (!batch || argument is null)
        {
            return argument;
        }

        return argument is IArrayTypeSymbol array
            ? array.ElementType
            : argument.AllInterfaces.Concat(argument is INamedTypeSymbol named ? [named] : [])
                .FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)?.TypeArguments[0];
    }
}
