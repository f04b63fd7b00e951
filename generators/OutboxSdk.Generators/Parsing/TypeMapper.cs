using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using OutboxSdk.Generators.Diagnostics;
using OutboxSdk.Generators.Model;

namespace OutboxSdk.Generators.Parsing;

/// <summary>Maps a member's C# type to its Avro mapping (docs/type-mapping.md), or reports why it cannot.</summary>
internal sealed class TypeMapper(List<DiagnosticInfo> diagnostics, Action<INamedTypeSymbol> reach)
{
    public TypeRef? Map(ITypeSymbol type, string member, string owner, Location? location, int precision, int scale)
    {
        var reason = "";
        var result = MapCore(type, precision, scale, ref reason);
        if (result is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedMemberType, location, member, owner,
                type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), reason));
        }

        return result;
    }

    private TypeRef? MapCore(ITypeSymbol type, int precision, int scale, ref string reason)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            var inner = MapCore(nullable.TypeArguments[0], precision, scale, ref reason);
            return inner is null ? null : inner with { IsNullable = true, IsNullableValueType = true };
        }

        var isNullableReference = type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated;
        var named = TypeParser.Fqn(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated));
        var mapped = MapNotNull(type, named, precision, scale, ref reason);
        return mapped is null ? null : isNullableReference ? mapped with { IsNullable = true } : mapped;
    }

    private TypeRef? MapNotNull(ITypeSymbol type, string name, int precision, int scale, ref string reason)
    {
        TypeRef Simple(ValueKind kind) => new() { Kind = kind, TypeName = name, Precision = precision, Scale = scale };

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean: return Simple(ValueKind.Boolean);
            case SpecialType.System_Int32: return Simple(ValueKind.Int);
            case SpecialType.System_Int64: return Simple(ValueKind.Long);
            case SpecialType.System_Single: return Simple(ValueKind.Float);
            case SpecialType.System_Double: return Simple(ValueKind.Double);
            case SpecialType.System_String: return Simple(ValueKind.String);
            case SpecialType.System_Decimal: return Simple(ValueKind.Decimal);
            case SpecialType.System_DateTime: return Simple(ValueKind.DateTime);
            case SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_UInt32:
                reason = "Avro has 32- and 64-bit signed integers only; declare it as int or long";
                return null;
            case SpecialType.System_UInt64:
                reason = "Avro has no unsigned 64-bit integer; declare it as long, or as decimal with [AvroDecimal(20, 0)]";
                return null;
            case SpecialType.System_Char:
                reason = "declare it as string";
                return null;
            case SpecialType.System_Object:
                reason = "an Avro schema needs a concrete type";
                return null;
        }

        if (type is IArrayTypeSymbol array)
        {
            if (array.ElementType.SpecialType == SpecialType.System_Byte && array.Rank == 1)
            {
                return Simple(ValueKind.Bytes);
            }

            if (array.Rank != 1)
            {
                reason = "multi-dimensional arrays have no Avro mapping; use an array of arrays";
                return null;
            }

            var element = MapCore(array.ElementType, precision, scale, ref reason);
            return element is null ? null : Simple(ValueKind.Array) with { Element = element, Collection = CollectionKind.Array, IsIndexable = true };
        }

        if (type is not INamedTypeSymbol named)
        {
            reason = "only classes, structs, records, enums and the mapped system types are supported";
            return null;
        }

        switch (name)
        {
            case "global::System.Guid": return Simple(ValueKind.Guid);
            case "global::System.DateTimeOffset": return Simple(ValueKind.DateTimeOffset);
            case "global::System.DateOnly": return Simple(ValueKind.DateOnly);
            case "global::System.TimeOnly": return Simple(ValueKind.TimeOnly);
            case "global::System.TimeSpan": return Simple(ValueKind.TimeSpan);
            case "global::System.ReadOnlyMemory<byte>": return Simple(ValueKind.Memory);
        }

        if (named.IsGenericType)
        {
            return MapGeneric(named, name, precision, scale, ref reason);
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            reach(named);
            return Simple(ValueKind.Enum) with { Target = name };
        }

        if (named.TypeKind is TypeKind.Class or TypeKind.Struct && !named.IsAbstract && named.ContainingNamespace?.ToDisplayString() is not ("System" or "System.Collections" or "System.Collections.Generic"))
        {
            reach(named);
            return Simple(ValueKind.Record) with { Target = name };
        }

        reason = named.IsAbstract ? "abstract types and interfaces cannot be constructed when reading" : "it is not a mapped system type, record, class, struct or enum";
        return null;
    }

    private TypeRef? MapGeneric(INamedTypeSymbol named, string name, int precision, int scale, ref string reason)
    {
        var definition = named.OriginalDefinition.ToDisplayString();
        switch (definition)
        {
            case "System.Collections.Generic.List<T>":
            case "System.Collections.Generic.IList<T>":
            case "System.Collections.Generic.IReadOnlyList<T>":
            case "System.Collections.Generic.ICollection<T>":
            case "System.Collections.Generic.IReadOnlyCollection<T>":
            {
                var element = MapCore(named.TypeArguments[0], precision, scale, ref reason);
                var indexable = definition.Contains("List<T>");
                return element is null ? null : new TypeRef
                {
                    Kind = ValueKind.Array, TypeName = name, Element = element, Collection = CollectionKind.List, IsIndexable = indexable,
                };
            }

            case "System.Collections.Generic.Dictionary<TKey, TValue>":
            case "System.Collections.Generic.IDictionary<TKey, TValue>":
            case "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>":
            {
                if (named.TypeArguments[0].SpecialType != SpecialType.System_String)
                {
                    reason = "Avro map keys are strings; use a dictionary keyed by string";
                    return null;
                }

                var value = MapCore(named.TypeArguments[1], precision, scale, ref reason);
                return value is null ? null : new TypeRef { Kind = ValueKind.Map, TypeName = name, Element = value, Collection = CollectionKind.Dictionary };
            }

            case "System.Collections.Generic.IEnumerable<T>":
                reason = "an IEnumerable has no count to write first; declare it as IReadOnlyList<T>, List<T> or an array";
                return null;
        }

        reason = "generic types other than lists and string-keyed dictionaries need a concrete, non-generic type";
        return null;
    }
}
