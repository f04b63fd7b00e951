using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace OutboxSdk.Generators.Parsing;

/// <summary>Reads the OutboxSdk attributes and XML doc comments of a symbol.</summary>
internal static class KnownAttributes
{
    public const string OutboxMessage = "OutboxSdk.OutboxMessageAttribute";
    public const string ChangeFeed = "OutboxSdk.ChangeFeedAttribute";
    public const string PartitionKey = "OutboxSdk.PartitionKeyAttribute";
    public const string Key = "OutboxSdk.KeyAttribute";
    public const string AvroName = "OutboxSdk.AvroNameAttribute";
    public const string AvroIgnore = "OutboxSdk.AvroIgnoreAttribute";
    public const string AvroDecimal = "OutboxSdk.AvroDecimalAttribute";
    public const string AvroDoc = "OutboxSdk.AvroDocAttribute";
    public const string AvroDefault = "OutboxSdk.AvroDefaultAttribute";
    public const string AvroAlias = "OutboxSdk.AvroAliasAttribute";

    /// <summary>MediatR's notification marker (MediatR.Contracts): a message type implements it through its generated part.</summary>
    public const string Notification = "MediatR.INotification";

    public static AttributeData? Find(ISymbol symbol, string metadataName) =>
        symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == metadataName);

    public static bool Has(ISymbol symbol, string metadataName) => Find(symbol, metadataName) is not null;

    public static string? String(ISymbol symbol, string metadataName) =>
        Find(symbol, metadataName) is { ConstructorArguments.Length: > 0 } a ? a.ConstructorArguments[0].Value as string : null;

    public static string? Named(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as string;

    public static IEnumerable<string> Aliases(ISymbol symbol) =>
        symbol.GetAttributes()
            .Where(a => a.AttributeClass?.ToDisplayString() == AvroAlias && a.ConstructorArguments.Length > 0)
            .Select(a => a.ConstructorArguments[0].Value as string)
            .Where(s => s is not null)!;

    /// <summary>[AvroDoc], else the XML doc comment's summary, white space collapsed; null when neither.</summary>
    public static string? Doc(ISymbol symbol)
    {
        if (String(symbol, AvroDoc) is { } doc)
        {
            return doc;
        }

        // The compiler gives the XML only when it parses doc comments (GenerateDocumentationFile); read the ///
        // lines ourselves otherwise, so the schema does not depend on a build setting.
        var xml = symbol.GetDocumentationCommentXml();
        if (string.IsNullOrWhiteSpace(xml))
        {
            xml = DocCommentFromSyntax(symbol);
        }

        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }

        try
        {
            var summary = XDocument.Parse(xml).Descendants("summary").FirstOrDefault();
            var text = summary is null ? null : Regex.Replace(summary.Value, @"\s+", " ").Trim();
            return string.IsNullOrEmpty(text) ? null : text;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static string? DocCommentFromSyntax(ISymbol symbol)
    {
        var syntax = symbol.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
        if (syntax is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax)
        {
            // A field's doc comment sits on its declaration, two levels up.
            syntax = syntax.Parent?.Parent;
        }

        if (syntax is null)
        {
            return null;
        }

        var lines = new List<string>();
        foreach (var trivia in syntax.GetLeadingTrivia())
        {
            foreach (var line in trivia.ToFullString().Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.StartsWith("///", System.StringComparison.Ordinal))
                {
                    lines.Add(trimmed.Substring(3));
                }
            }
        }

        return lines.Count == 0 ? null : "<doc>" + string.Join("\n", lines) + "</doc>";
    }
}
