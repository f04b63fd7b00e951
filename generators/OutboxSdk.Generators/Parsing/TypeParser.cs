using System;
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
/// Turns an annotated type symbol into a <see cref="RootSpec"/>: the type, every record and enum it reaches,
/// and the diagnostics for what cannot be mapped. Symbols stay inside this class.
/// </summary>
internal sealed class TypeParser
{
    private readonly List<DiagnosticInfo> _diagnostics = [];
    private readonly Dictionary<string, TypeSpec?> _parsed = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Queue<INamedTypeSymbol> _pending = new();
    private readonly CancellationToken _cancellation;
    private readonly TypeMapper _mapper;

    private TypeParser(CancellationToken cancellation)
    {
        _cancellation = cancellation;
        _mapper = new TypeMapper(_diagnostics, Reach);
    }

    public static RootSpec Parse(INamedTypeSymbol type, TypeDeclarationSyntax syntax, AttributeData attribute, RootKind kind, CancellationToken cancellation)
    {
        var parser = new TypeParser(cancellation);
        var root = parser.ParseRoot(type, syntax, attribute, kind);
        while (parser._pending.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            var next = parser._pending.Dequeue();
            parser._parsed[Fqn(next)] = parser.ParseType(next, RootKind.None, null);
        }

        var types = parser._order.Select(n => parser._parsed[n]).Where(t => t is not null).Select(t => t!).ToList();
        parser.CheckDuplicateNames(type, types);

        // A type marked with both attributes reaches both pipelines: the [OutboxMessage] one reports its
        // diagnostics (OBX1006 among them), so the user sees each once.
        var reportedElsewhere = kind == RootKind.ChangeFeed && KnownAttributes.Has(type, KnownAttributes.OutboxMessage);
        return new RootSpec
        {
            Root = root,
            Types = types.ToEquatableArray(),
            Diagnostics = reportedElsewhere ? EquatableArray<DiagnosticInfo>.Empty : parser._diagnostics.ToEquatableArray(),
            Location = DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateSubject, syntax.Identifier.GetLocation()),
            CanEmit = !reportedElsewhere && !parser._diagnostics.Any(d => d.IsError),
        };
    }

    /// <summary>The fully qualified name with nullable annotations of type arguments, e.g. <c>global::System.Collections.Generic.List&lt;string?&gt;</c>.</summary>
    public static string Fqn(ITypeSymbol type) => type.ToDisplayString(Format);

    private static readonly SymbolDisplayFormat Format = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private TypeSpec ParseRoot(INamedTypeSymbol type, TypeDeclarationSyntax syntax, AttributeData attribute, RootKind kind)
    {
        var location = syntax.Identifier.GetLocation();
        var attributeName = kind == RootKind.Message ? "OutboxMessage" : "ChangeFeed";
        if (!IsPartialAllTheWay(type))
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotPartial, location, type.Name, attributeName));
        }

        if (KnownAttributes.Has(type, KnownAttributes.OutboxMessage) && KnownAttributes.Has(type, KnownAttributes.ChangeFeed))
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingAttributes, location, type.Name,
                "[OutboxMessage] and [ChangeFeed] cannot both mark one type; use two types"));
        }

        _order.Add(Fqn(type));
        _parsed[Fqn(type)] = null;
        var spec = ParseType(type, kind, attribute);
        _parsed[Fqn(type)] = spec;

        if (kind == RootKind.ChangeFeed && !spec.Members.Any(m => m.IsKey))
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ChangeFeedWithoutKey, location, type.Name));
        }

        if (kind == RootKind.ChangeFeed && Emitters.DdlEmitter.TableProblem(spec.Table) is { } tableProblem)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTableOrColumnName, location, spec.Table ?? "", "[ChangeFeed] on " + type.Name, tableProblem));
        }

        var keys = spec.Members.Where(m => m.IsPartitionKey).Select(m => m.Name).ToList();
        if (keys.Count > 1)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultiplePartitionKeys, location, type.Name, string.Join(", ", keys)));
        }

        return spec;
    }

    private void Reach(INamedTypeSymbol type)
    {
        type = (INamedTypeSymbol)type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        var name = Fqn(type);
        if (_parsed.ContainsKey(name))
        {
            return;
        }

        _parsed[name] = null;
        _order.Add(name);
        _pending.Enqueue(type);
    }

    private TypeSpec ParseType(INamedTypeSymbol type, RootKind kind, AttributeData? rootAttribute)
    {
        _cancellation.ThrowIfCancellationRequested();
        var location = type.Locations.FirstOrDefault();
        if (type.IsGenericType || ContainingTypes(type).Any(t => t.IsGenericType))
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericTypeNotSupported, location, type.ToDisplayString()));
        }

        // The generated codecs live in OutboxSdk.Generated, outside the type: they can name it only if the
        // assembly can see it (and every type it is nested in).
        if (new[] { type }.Concat(ContainingTypes(type)).FirstOrDefault(t => t.DeclaredAccessibility is Accessibility.Private
            or Accessibility.Protected or Accessibility.ProtectedAndInternal) is { } hidden)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotAccessible, location, type.ToDisplayString(),
                hidden.Name, hidden.DeclaredAccessibility.ToString().ToLowerInvariant()));
        }

        var avroName = KnownAttributes.String(type, KnownAttributes.AvroName) ?? type.Name;
        var avroNamespace = (rootAttribute is null ? null : KnownAttributes.Named(rootAttribute, "Namespace"))
            ?? (type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString());
        CheckName(avroName, "the type " + type.Name, location, allowDots: false);
        if (avroNamespace is { Length: > 0 })
        {
            CheckName(avroNamespace, "the namespace of " + type.Name, location, allowDots: true);
        }

        var spec = new TypeSpec
        {
            FullyQualifiedName = Fqn(type),
            Namespace = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
            Name = type.Name,
            ContainingTypeDeclarations = ContainingDeclarations(type).ToEquatableArray(),
            Keyword = Keyword(type),
            IsValueType = type.IsValueType,
            IsEnum = type.TypeKind == TypeKind.Enum,
            IsPartial = IsPartialAllTheWay(type),
            AvroName = avroName,
            AvroNamespace = string.IsNullOrEmpty(avroNamespace) ? null : avroNamespace,
            Doc = KnownAttributes.Doc(type),
            Aliases = KnownAttributes.Aliases(type).ToEquatableArray(),
            Root = kind,
            Subject = kind == RootKind.Message ? rootAttribute?.ConstructorArguments.FirstOrDefault().Value as string : null,
            Table = kind == RootKind.ChangeFeed ? rootAttribute?.ConstructorArguments.FirstOrDefault().Value as string : null,
            ReplicaIdentity = rootAttribute?.NamedArguments.FirstOrDefault(a => a.Key == "ReplicaIdentity").Value.Value is int identity ? identity : 1,
        };

        return type.TypeKind == TypeKind.Enum ? ParseEnum(type, spec) : new MemberParser(this, type, spec).Parse();
    }

    private TypeSpec ParseEnum(INamedTypeSymbol type, TypeSpec spec)
    {
        var symbols = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).ToList();
        foreach (var symbol in symbols)
        {
            CheckName(symbol.Name, "the enum member " + type.Name + "." + symbol.Name, symbol.Locations.FirstOrDefault(), allowDots: false);
        }

        var defaultSymbol = KnownAttributes.String(type, KnownAttributes.AvroDefault);
        if (defaultSymbol is not null && symbols.All(s => s.Name != defaultSymbol))
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDefault, type.Locations.FirstOrDefault(), type.Name,
                "'" + defaultSymbol + "'", "an enum's default must be the name of one of its members"));
        }

        return spec with { EnumSymbols = symbols.Select(s => s.Name).ToEquatableArray(), EnumDefault = defaultSymbol };
    }

    internal void Report(DiagnosticInfo diagnostic) => _diagnostics.Add(diagnostic);

    internal TypeMapper Mapper => _mapper;

    internal void CheckName(string name, string source, Location? location, bool allowDots)
    {
        var parts = allowDots ? name.Split('.') : [name];
        foreach (var part in parts)
        {
            if (part.Length == 0 || !(IsAsciiLetter(part[0]) || part[0] == '_') || part.Any(c => !(IsAsciiLetter(c) || char.IsDigit(c) && c < 128 || c == '_')))
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidAvroName, location, name, source,
                    "names must match [A-Za-z_][A-Za-z0-9_]*" + (allowDots ? ", separated by dots" : "") + "; use [AvroName] to give an ASCII name"));
                return;
            }
        }
    }

    private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

    private void CheckDuplicateNames(INamedTypeSymbol root, List<TypeSpec> types)
    {
        foreach (var group in types.GroupBy(t => t.AvroFullName).Where(g => g.Count() > 1))
        {
            var list = group.ToList();
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateAvroName, root.Locations.FirstOrDefault(),
                list[0].FullyQualifiedName.Replace("global::", ""), list[1].FullyQualifiedName.Replace("global::", ""), group.Key));
        }
    }

    private static IEnumerable<INamedTypeSymbol> ContainingTypes(INamedTypeSymbol type)
    {
        for (var t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            yield return t;
        }
    }

    private static bool IsPartialAllTheWay(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            var partial = t.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> ContainingDeclarations(INamedTypeSymbol type)
    {
        var stack = new Stack<string>();
        for (var t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            stack.Push("partial " + Keyword(t) + " " + Emitters.SourceWriter.Identifier(t.Name));
        }

        return stack;
    }

    private static string Keyword(INamedTypeSymbol type) => (type.IsRecord, type.IsValueType) switch
    {
        (true, true) => "record struct",
        (true, false) => "record",
        (false, true) => "struct",
        _ => "class",
    };
}
