using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OutboxSdk.Generators.Diagnostics;
using OutboxSdk.Generators.Internal;
using OutboxSdk.Generators.Model;

namespace OutboxSdk.Generators.Parsing;

/// <summary>Finds a record type's fields (public properties and fields) and how the deserializer constructs it.</summary>
internal sealed class MemberParser(TypeParser parser, INamedTypeSymbol type, TypeSpec spec)
{
    public const int DefaultPrecision = 28;
    public const int DefaultScale = 10;

    public TypeSpec Parse()
    {
        var candidates = Candidates();
        var constructor = ChooseConstructor(candidates);
        if (constructor is null)
        {
            parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.NoConstructor, type.Locations.FirstOrDefault(), type.Name));
        }

        var members = new List<MemberSpec>();
        foreach (var member in candidates)
        {
            var parameter = constructor?.Parameters.FirstOrDefault(p => string.Equals(p.Name, member.Name, StringComparison.OrdinalIgnoreCase));
            if (parameter is null && !IsSettable(member))
            {
                if (IsGetOnlyAutoProperty(member))
                {
                    parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNotWritable, member.Locations.FirstOrDefault(), member.Name, type.Name));
                }

                continue;
            }

            if (ParseMember(member, parameter) is { } spec)
            {
                members.Add(spec);
            }
        }

        CheckDuplicateFieldNames(members);
        if (spec.Root == RootKind.ChangeFeed)
        {
            CheckDuplicateColumns(members);
        }

        return spec with { Members = members.ToEquatableArray(), UsesConstructor = constructor is { Parameters.Length: > 0 } };
    }

    private MemberSpec? ParseMember(ISymbol member, IParameterSymbol? parameter)
    {
        var location = member.Locations.FirstOrDefault();
        var sources = parameter is null ? new[] { member } : new ISymbol[] { member, parameter };
        string? Attribute(string name) => sources.Select(s => KnownAttributes.String(s, name)).FirstOrDefault(v => v is not null);
        bool HasAttribute(string name) => sources.Any(s => KnownAttributes.Has(s, name));

        var memberType = member is IPropertySymbol p ? p.Type : ((IFieldSymbol)member).Type;
        var decimalAttribute = sources.Select(s => KnownAttributes.Find(s, KnownAttributes.AvroDecimal)).FirstOrDefault(a => a is not null);
        var (precision, scale) = DecimalOf(member, decimalAttribute, memberType);
        var typeRef = parser.Mapper.Map(memberType, member.Name, type.Name, location, precision, scale);
        if (typeRef is null)
        {
            return null;
        }

        var avroName = Attribute(KnownAttributes.AvroName) ?? member.Name;
        parser.CheckName(avroName, "the member " + type.Name + "." + member.Name, location, allowDots: false);
        if (spec.Root == RootKind.ChangeFeed)
        {
            CheckColumn(member, avroName, typeRef, memberType, location);
        }

        var isPartitionKey = HasAttribute(KnownAttributes.PartitionKey);
        if (isPartitionKey && !IsScalar(typeRef))
        {
            parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.PartitionKeyNotScalar, location, member.Name, type.Name, memberType.ToDisplayString()));
        }

        var defaultJson = Attribute(KnownAttributes.AvroDefault);
        if (defaultJson is not null && DefaultChecker.Explain(defaultJson, typeRef) is { } problem)
        {
            parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDefault, location, type.Name + "." + member.Name, defaultJson, problem));
        }

        return new MemberSpec
        {
            Name = member.Name,
            AvroName = avroName,
            Type = typeRef,
            ConstructorParameter = parameter?.Ordinal ?? -1,
            IsRequired = member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true },
            Doc = sources.Select(KnownAttributes.Doc).FirstOrDefault(d => d is not null),
            DefaultJson = defaultJson ?? (typeRef.IsNullable ? "null" : null),
            Aliases = sources.SelectMany(KnownAttributes.Aliases).Distinct().ToEquatableArray(),
            IsPartitionKey = isPartitionKey,
            IsKey = HasAttribute(KnownAttributes.Key),
        };
    }

    private (int Precision, int Scale) DecimalOf(ISymbol member, AttributeData? attribute, ITypeSymbol memberType)
    {
        if (!MentionsDecimal(memberType))
        {
            return (0, 0);
        }

        if (attribute is { ConstructorArguments.Length: 2 } && attribute.ConstructorArguments[0].Value is int precision && attribute.ConstructorArguments[1].Value is int scale)
        {
            if (precision is < 1 or > 28 || scale < 0 || scale > precision)
            {
                parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDecimal, member.Locations.FirstOrDefault(), member.Name, type.Name,
                    precision.ToString(System.Globalization.CultureInfo.InvariantCulture), scale.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            return (precision, scale);
        }

        parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.DecimalWithoutPrecision, member.Locations.FirstOrDefault(), member.Name, type.Name,
            DefaultPrecision.ToString(System.Globalization.CultureInfo.InvariantCulture), DefaultScale.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return (DefaultPrecision, DefaultScale);
    }

    private static bool MentionsDecimal(ITypeSymbol type) => type switch
    {
        { SpecialType: SpecialType.System_Decimal } => true,
        IArrayTypeSymbol array => MentionsDecimal(array.ElementType),
        INamedTypeSymbol { IsGenericType: true } named => named.TypeArguments.Any(MentionsDecimal),
        _ => false,
    };

    private List<ISymbol> Candidates()
    {
        var chain = new Stack<INamedTypeSymbol>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object && t.SpecialType != SpecialType.System_ValueType; t = t.BaseType)
        {
            chain.Push(t);
        }

        var result = new List<ISymbol>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in chain.Reverse())
        {
            foreach (var member in t.GetMembers().Where(IsCandidate))
            {
                if (names.Add(member.Name))
                {
                    result.Add(member);
                }
            }
        }

        // Most-derived first above so overrides win; schema order is base members first, in declaration order.
        return result.OrderBy(m => Depth(m.ContainingType)).ThenBy(m => m.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0).ToList();
    }

    private int Depth(INamedTypeSymbol declaring)
    {
        var depth = 0;
        for (var t = declaring.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }

    private bool IsCandidate(ISymbol member)
    {
        if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared && member is not IPropertySymbol)
        {
            return false;
        }

        var ok = member switch
        {
            IPropertySymbol { IsIndexer: false, GetMethod.DeclaredAccessibility: Accessibility.Public } property => property.Name != "EqualityContract",
            IFieldSymbol { IsConst: false } => true,
            _ => false,
        };
        if (!ok)
        {
            return false;
        }

        if (KnownAttributes.Has(member, KnownAttributes.AvroIgnore))
        {
            if (KnownAttributes.Has(member, KnownAttributes.Key) || KnownAttributes.Has(member, KnownAttributes.PartitionKey))
            {
                parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingAttributes, member.Locations.FirstOrDefault(), type.Name + "." + member.Name,
                    "[AvroIgnore] leaves the member out, so it cannot also be a [Key] or [PartitionKey]"));
            }

            return false;
        }

        return true;
    }

    private IMethodSymbol? ChooseConstructor(List<ISymbol> candidates)
    {
        var usable = type.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Accessibility.Public)
            .Where(c => !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, type)))
            .Where(c => c.Parameters.All(p => candidates.Any(m => string.Equals(m.Name, p.Name, StringComparison.OrdinalIgnoreCase)
                && SymbolEqualityComparer.IncludeNullability.Equals(TypeOf(m), p.Type))))
            .OrderByDescending(c => c.Parameters.Length)
            .ToList();
        return usable.FirstOrDefault();
    }

    private static ITypeSymbol TypeOf(ISymbol member) => member is IPropertySymbol p ? p.Type : ((IFieldSymbol)member).Type;

    private static bool IsSettable(ISymbol member) => member switch
    {
        IPropertySymbol { SetMethod.DeclaredAccessibility: Accessibility.Public } => true,
        IFieldSymbol { IsReadOnly: false } => true,
        _ => false,
    };

    private static bool IsGetOnlyAutoProperty(ISymbol member) =>
        member is IPropertySymbol { SetMethod: null } property
        && property.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is PropertyDeclarationSyntax { ExpressionBody: null, AccessorList: { } accessors }
            && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null));

    private static bool IsScalar(TypeRef type) => type.Kind is ValueKind.String or ValueKind.Int or ValueKind.Long or ValueKind.Guid or ValueKind.Enum
        or ValueKind.DateTime or ValueKind.DateTimeOffset or ValueKind.DateOnly or ValueKind.Decimal or ValueKind.Boolean;

    private void CheckColumn(ISymbol member, string avroName, TypeRef typeRef, ITypeSymbol memberType, Location? location)
    {
        if (Emitters.DdlEmitter.ColumnType(typeRef) is null)
        {
            parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.NotAColumn, location, member.Name, type.Name, memberType.ToDisplayString()));
        }

        var column = Emitters.DdlEmitter.SnakeCase(avroName);
        if (Emitters.DdlEmitter.IdentifierProblem(column) is { } problem)
        {
            parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidTableOrColumnName, location, column, type.Name + "." + member.Name, problem));
        }
    }

    private void CheckDuplicateColumns(List<MemberSpec> members)
    {
        foreach (var group in members.GroupBy(Emitters.DdlEmitter.ColumnName).Where(g => g.Count() > 1))
        {
            var list = group.ToList();
            parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateColumn, type.Locations.FirstOrDefault(),
                list[0].Name, list[1].Name, type.Name, group.Key));
        }
    }

    private void CheckDuplicateFieldNames(List<MemberSpec> members)
    {
        foreach (var group in members.GroupBy(m => m.AvroName).Where(g => g.Count() > 1))
        {
            var list = group.ToList();
            parser.Report(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateAvroName, type.Locations.FirstOrDefault(),
                type.Name + "." + list[0].Name, type.Name + "." + list[1].Name, group.Key));
        }
    }
}
