using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OutboxSdk.Generators.Diagnostics;
using OutboxSdk.Generators.Internal;
using OutboxSdk.Generators.Model;

namespace OutboxSdk.Generators.Parsing;

/// <summary>
/// Finds MediatR notification handlers: non-abstract classes that implement <c>INotificationHandler&lt;T&gt;</c>,
/// directly or through a base class. There is no attribute to key on, so this is the one syntax scan of the
/// generator; the syntax test is cheap (a class with a base list) and the semantic test runs only on those.
/// </summary>
internal static class HandlerParser
{
    public const string MediatRNamespace = "MediatR";
    public const string NotificationHandlerMetadataName = "INotificationHandler`1";

    /// <summary>Metadata names whose presence turns the registration on.</summary>
    public const string ServiceCollection = "Microsoft.Extensions.DependencyInjection.IServiceCollection";
    public const string NotificationHandler = "MediatR.INotificationHandler`1";
    public const string GeneratedRegistration = "OutboxSdk.Registration.IOutboxGeneratedRegistration";

    private static readonly SymbolDisplayFormat Format = SymbolDisplayFormat.FullyQualifiedFormat;

    public static bool IsCandidate(SyntaxNode node, CancellationToken _) => node switch
    {
        ClassDeclarationSyntax { BaseList.Types.Count: > 0 } => true,
        RecordDeclarationSyntax { BaseList.Types.Count: > 0 } record => !record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword),
        _ => false,
    };

    public static HandlerSpec? Parse(GeneratorSyntaxContext context, CancellationToken cancellation)
    {
        if (context.SemanticModel.GetDeclaredSymbol(context.Node, cancellation) is not INamedTypeSymbol type || type.IsAbstract || type.IsStatic)
        {
            return null;
        }

        var notifications = type.AllInterfaces
            .Where(IsNotificationHandler)
            .Select(i => i.TypeArguments[0])
            .Where(t => t.TypeKind != TypeKind.Error)
            .ToList();
        if (notifications.Count == 0)
        {
            return null;
        }

        cancellation.ThrowIfCancellationRequested();

        // Every part of a partial class reports at the first part, so the specs of its parts are equal and the
        // registration keeps one.
        var location = type.Locations.FirstOrDefault();
        var name = type.ToDisplayString(Format);
        var display = type.ToDisplayString();
        var diagnostics = new List<DiagnosticInfo>();
        if (IsOpenGeneric(type))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OpenGenericHandler, location, display));
        }
        else if (Inaccessibility(type) is { } why)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InaccessibleHandler, location, display, why));
        }

        var handled = notifications
            .Select(t => new HandledNotification(t.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(Format), IsOutboxType(t)))
            .Distinct()
            .ToList();
        var canRegister = diagnostics.Count == 0;
        if (canRegister)
        {
            foreach (var notification in handled.Where(n => !n.IsOutboxType))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HandlerOfNonOutboxType, location, display, notification.FullyQualifiedName.Replace("global::", "")));
            }
        }

        return new HandlerSpec
        {
            FullyQualifiedName = name,
            Notifications = handled.ToEquatableArray(),
            Diagnostics = diagnostics.ToEquatableArray(),
            CanRegister = canRegister,
        };
    }

    private static bool IsNotificationHandler(INamedTypeSymbol type) =>
        type is { MetadataName: NotificationHandlerMetadataName, TypeArguments.Length: 1, ContainingNamespace: { Name: MediatRNamespace, ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>A generic class, or a class nested in one: a type the generated code cannot name without type arguments.</summary>
    private static bool IsOpenGeneric(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why code elsewhere in the assembly cannot name the handler, or null when it can.</summary>
    private static string? Inaccessibility(INamedTypeSymbol type)
    {
        if (type.IsFileLocal)
        {
            return "file-local";
        }

        for (var t = type; t is not null; t = t.ContainingType)
        {
            switch (t.DeclaredAccessibility)
            {
                case Accessibility.Private:
                    return t.Equals(type, SymbolEqualityComparer.Default) ? "private" : "nested in private type " + t.Name;
                case Accessibility.Protected:
                case Accessibility.ProtectedAndInternal:
                    return t.Equals(type, SymbolEqualityComparer.Default) ? "protected" : "nested in protected type " + t.Name;
            }
        }

        return null;
    }

    /// <summary>
    /// An [OutboxMessage] or [ChangeFeed] type, or a generic notification over one (a change-feed event such as
    /// <c>RowChanged&lt;Customer&gt;</c>). Read from the type's attributes, so types of referenced assemblies count.
    /// </summary>
    private static bool IsOutboxType(ITypeSymbol type) =>
        IsAnnotated(type) || (type is INamedTypeSymbol { IsGenericType: true } generic && (generic.TypeArguments.Any(IsAnnotated) || IsApacheAvroRecord(generic)));

    /// <summary>OutboxSdk.ApacheAvro's <c>AvroRecord&lt;T&gt;</c>: an Apache.Avro type published through the optional package.</summary>
    private static bool IsApacheAvroRecord(INamedTypeSymbol type) =>
        type is { MetadataName: "AvroRecord`1", ContainingNamespace: { Name: "ApacheAvro", ContainingNamespace: { Name: "OutboxSdk", ContainingNamespace.IsGlobalNamespace: true } } };

    private static bool IsAnnotated(ITypeSymbol type) =>
        KnownAttributes.Has(type, KnownAttributes.OutboxMessage) || KnownAttributes.Has(type, KnownAttributes.ChangeFeed);
}
