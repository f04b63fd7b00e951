using System.Reflection;
using Microsoft.CodeAnalysis;

namespace OutboxSdk.Generators.Tests.Model;

/// <summary>Walks a type's instance fields (backing fields included), their generic arguments and array elements.</summary>
internal static class ModelWalker
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>Every model type reachable from <paramref name="root"/>.</summary>
    public static IReadOnlySet<Type> Reached(Type root, IReadOnlySet<Type> allowedRoslynTypes)
    {
        var seen = new HashSet<Type>();
        Walk(root, root.Name, allowedRoslynTypes, seen, []);
        return seen;
    }

    /// <summary>Each forbidden type found, as "path: type".</summary>
    public static IReadOnlyList<string> Problems(Type root, IReadOnlySet<Type> allowedRoslynTypes)
    {
        var problems = new List<string>();
        Walk(root, root.Name, allowedRoslynTypes, [], problems);
        return problems;
    }

    private static void Walk(Type type, string path, IReadOnlySet<Type> allowed, HashSet<Type> seen, List<string> problems)
    {
        if (type.IsArray)
        {
            Walk(type.GetElementType()!, path + "[]", allowed, seen, problems);
            return;
        }

        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || allowed.Contains(type) || !seen.Add(type))
        {
            return;
        }

        if (IsRoslyn(type) || type == typeof(object) || type.IsInterface && !IsCollectionInterface(type) || typeof(Delegate).IsAssignableFrom(type))
        {
            problems.Add(path + ": " + type.FullName);
            return;
        }

        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            Walk(argument, path + "<" + argument.Name + ">", allowed, seen, problems);
        }

        // Framework types (Nullable<T>, ImmutableArray<T>) are judged by their type arguments, not their internals.
        if (type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
        {
            return;
        }

        foreach (var field in type.GetFields(Instance))
        {
            Walk(field.FieldType, path + "." + field.Name, allowed, seen, problems);
        }
    }

    private static bool IsRoslyn(Type type) =>
        type.Assembly == typeof(ISymbol).Assembly || type.Assembly == typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly
        || type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true;

    private static bool IsCollectionInterface(Type type) =>
        type.IsGenericType && type.Namespace == "System.Collections.Generic";
}
