using System.Globalization;
using System.Text.Json;

namespace OutboxSdk.Avro.Schema;

/// <summary>
/// Turns schema JSON into the schema model, enforcing the specification's rules and naming the JSON path of the
/// first violation (see Avro spec, "Schema Declaration" and "Names").
/// </summary>
internal sealed class SchemaParser
{
    private readonly Dictionary<string, NamedSchema> _names = new(StringComparer.Ordinal);

    private SchemaParser() { }

    public static AvroSchema Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}")
                : "";
            throw new AvroSchemaException("", "the schema is not valid JSON" + where + ": " + FirstSentence(e.Message));
        }

        using (document)
        {
            try
            {
                return new SchemaParser().ParseSchema(document.RootElement, null, "");
            }
            catch (InvalidOperationException e) when (IsInvalidUnicode(e))
            {
                throw new AvroSchemaException("", "the schema has a string that is not valid Unicode (an unpaired surrogate escape such as \\ud800)");
            }
        }
    }

    private AvroSchema ParseSchema(JsonElement element, string? space, string path) => element.ValueKind switch
    {
        JsonValueKind.String => ResolveTypeName(element.GetString()!, space, path),
        JsonValueKind.Array => ParseUnion(element, space, path),
        JsonValueKind.Object => ParseObject(element, space, path),
        _ => throw new AvroSchemaException(path, "a schema must be a type name string, an object or a union array, not " + Describe(element)),
    };

    private AvroSchema ResolveTypeName(string name, string? space, string path)
    {
        if (AvroTypeNames.TryParsePrimitive(name, out var primitive))
        {
            return PrimitiveSchema.Of(primitive);
        }

        if (name.Length > 0 && !name.Contains('.', StringComparison.Ordinal) && space is not null
            && _names.TryGetValue(space + "." + name, out var inSpace))
        {
            return inSpace;
        }

        if (_names.TryGetValue(name, out var named))
        {
            return named;
        }

        throw new AvroSchemaException(path, $"unknown type '{name}': a named type must be defined before it is used " +
            "(names are case-sensitive and resolve against the enclosing namespace)");
    }

    private UnionSchema ParseUnion(JsonElement element, string? space, string path)
    {
        var branches = new List<AvroSchema>(element.GetArrayLength());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            var branchPath = path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var branch = ParseSchema(item, space, branchPath);
            if (branch.Type == AvroType.Union)
            {
                throw new AvroSchemaException(branchPath, "a union may not immediately contain another union");
            }

            if (!seen.Add(branch.TypeName))
            {
                throw new AvroSchemaException(branchPath, $"the union already has a branch of type '{branch.TypeName}' " +
                    "(only named types with different names may repeat a type)");
            }

            branches.Add(branch);
            i++;
        }

        return new UnionSchema(branches);
    }

    private AvroSchema ParseObject(JsonElement element, string? space, string path)
    {
        if (!element.TryGetProperty("type", out var typeElement))
        {
            throw new AvroSchemaException(path, "the schema object has no \"type\" attribute");
        }

        if (typeElement.ValueKind != JsonValueKind.String)
        {
            throw new AvroSchemaException(Join(path, "type"), "must be a string naming a type, not " + Describe(typeElement));
        }

        var type = typeElement.GetString()!;
        switch (type)
        {
            case "record":
            case "error":
                return ParseRecord(element, space, path, type == "error");
            case "enum":
                return ParseEnum(element, space, path);
            case "fixed":
                return ParseFixed(element, space, path);
            case "array":
                return new ArraySchema(ParseSchema(Required(element, "items", path), space, Join(path, "items")),
                    Properties(element, "type", "items"));
            case "map":
                return new MapSchema(ParseSchema(Required(element, "values", path), space, Join(path, "values")),
                    Properties(element, "type", "values"));
        }

        if (AvroTypeNames.TryParsePrimitive(type, out var primitive))
        {
            var logicalName = OptionalString(element, "logicalType", path);
            var logical = logicalName is null ? null
                : LogicalType.Resolve(logicalName, primitive, 0, OptionalInt(element, "precision"), OptionalInt(element, "scale"));
            return new PrimitiveSchema(primitive, logical, LogicalProperties(element, logical, "type"));
        }

        // {"type": "Name"} refers to a named type defined earlier.
        return ResolveTypeName(type, space, Join(path, "type"));
    }

    private RecordSchema ParseRecord(JsonElement element, string? space, string path, bool isError)
    {
        var name = DefineName(element, space, path);
        var record = new RecordSchema(name, null, Aliases(element, name.Namespace, path), OptionalString(element, "doc", path), isError,
            Properties(element, "type", "name", "namespace", "doc", "aliases", "fields"));
        Register(record, path);

        var fieldsPath = Join(path, "fields");
        var fieldsElement = Required(element, "fields", path);
        if (fieldsElement.ValueKind != JsonValueKind.Array)
        {
            throw new AvroSchemaException(fieldsPath, "must be an array of fields, not " + Describe(fieldsElement));
        }

        var fields = new List<RecordField>(fieldsElement.GetArrayLength());
        var fieldNames = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var fieldElement in fieldsElement.EnumerateArray())
        {
            var fieldPath = fieldsPath + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var field = ParseField(fieldElement, name.Namespace, fieldPath);
            if (!fieldNames.Add(field.Name))
            {
                throw new AvroSchemaException(Join(fieldPath, "name"), $"the record already has a field named '{field.Name}'");
            }

            fields.Add(field);
            i++;
        }

        record.SetFields(fields);
        return record;
    }

    private RecordField ParseField(JsonElement element, string? space, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new AvroSchemaException(path, "a field must be an object with \"name\" and \"type\", not " + Describe(element));
        }

        var name = RequiredString(element, "name", path);
        if (!AvroName.IsValidSimpleName(name))
        {
            throw new AvroSchemaException(Join(path, "name"), $"'{name}' is not a valid field name (it must match [A-Za-z_][A-Za-z0-9_]*)");
        }

        var schema = ParseSchema(Required(element, "type", path), space, Join(path, "type"));
        JsonElement? defaultValue = null;
        if (element.TryGetProperty("default", out var d))
        {
            DefaultValidator.Validate(d, schema, Join(path, "default"));
            defaultValue = d;
        }

        var order = SortOrder.Ascending;
        if (OptionalString(element, "order", path) is { } orderText)
        {
            order = orderText switch
            {
                "ascending" => SortOrder.Ascending,
                "descending" => SortOrder.Descending,
                "ignore" => SortOrder.Ignore,
                _ => throw new AvroSchemaException(Join(path, "order"), $"'{orderText}' is not a sort order (use ascending, descending or ignore)"),
            };
        }

        var aliases = StringArray(element, "aliases", path);
        for (var i = 0; i < aliases.Count; i++)
        {
            if (!AvroName.IsValidSimpleName(aliases[i]))
            {
                throw new AvroSchemaException(Join(path, "aliases") + "[" + i.ToString(CultureInfo.InvariantCulture) + "]",
                    $"'{aliases[i]}' is not a valid field name");
            }
        }

        return new RecordField(name, schema, defaultValue, OptionalString(element, "doc", path), order, aliases,
            Properties(element, "name", "type", "default", "order", "aliases", "doc"));
    }

    private EnumSchema ParseEnum(JsonElement element, string? space, string path)
    {
        var name = DefineName(element, space, path);
        var symbolsPath = Join(path, "symbols");
        var symbols = StringArray(element, "symbols", path, required: true);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < symbols.Count; i++)
        {
            var symbolPath = symbolsPath + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            if (!AvroName.IsValidSimpleName(symbols[i]))
            {
                throw new AvroSchemaException(symbolPath, $"'{symbols[i]}' is not a valid symbol (it must match [A-Za-z_][A-Za-z0-9_]*)");
            }

            if (!seen.Add(symbols[i]))
            {
                throw new AvroSchemaException(symbolPath, $"the symbol '{symbols[i]}' appears twice");
            }
        }

        var defaultSymbol = OptionalString(element, "default", path);
        if (defaultSymbol is not null && !seen.Contains(defaultSymbol))
        {
            throw new AvroSchemaException(Join(path, "default"), $"the default '{defaultSymbol}' is not one of the symbols");
        }

        var schema = new EnumSchema(name, symbols, defaultSymbol, Aliases(element, name.Namespace, path),
            OptionalString(element, "doc", path), Properties(element, "type", "name", "namespace", "doc", "aliases", "symbols", "default"));
        Register(schema, path);
        return schema;
    }

    private FixedSchema ParseFixed(JsonElement element, string? space, string path)
    {
        var name = DefineName(element, space, path);
        var sizeElement = Required(element, "size", path);
        if (sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt32(out var size) || size < 0)
        {
            throw new AvroSchemaException(Join(path, "size"), "must be a non-negative integer, not " + Describe(sizeElement));
        }

        var logicalName = OptionalString(element, "logicalType", path);
        var logical = logicalName is null ? null
            : LogicalType.Resolve(logicalName, AvroType.Fixed, size, OptionalInt(element, "precision"), OptionalInt(element, "scale"));
        var schema = new FixedSchema(name, size, Aliases(element, name.Namespace, path), OptionalString(element, "doc", path), logical,
            LogicalProperties(element, logical, "type", "name", "namespace", "doc", "aliases", "size"));
        Register(schema, path);
        return schema;
    }

    private static AvroName DefineName(JsonElement element, string? space, string path)
    {
        var name = RequiredString(element, "name", path);
        string? ns = space;
        if (element.TryGetProperty("namespace", out var nsElement))
        {
            ns = nsElement.ValueKind switch
            {
                JsonValueKind.String => nsElement.GetString(),
                JsonValueKind.Null => null,
                _ => throw new AvroSchemaException(Join(path, "namespace"), "must be a string, not " + Describe(nsElement)),
            };
            if (!string.IsNullOrEmpty(ns) && !AvroName.IsValidFullName(ns))
            {
                throw new AvroSchemaException(Join(path, "namespace"), $"'{ns}' is not a valid namespace (dot-separated names of [A-Za-z_][A-Za-z0-9_]*)");
            }
        }

        if (!AvroName.IsValidFullName(name))
        {
            throw new AvroSchemaException(Join(path, "name"), $"'{name}' is not a valid name (dot-separated names of [A-Za-z_][A-Za-z0-9_]*)");
        }

        var result = new AvroName(name, ns);
        if (AvroTypeNames.TryParsePrimitive(result.Name, out _))
        {
            throw new AvroSchemaException(Join(path, "name"), $"'{result.Name}' is a primitive type name and cannot name a type");
        }

        return result;
    }

    private void Register(NamedSchema schema, string path)
    {
        if (!_names.TryAdd(schema.FullName, schema))
        {
            throw new AvroSchemaException(Join(path, "name"), $"the type '{schema.FullName}' is already defined");
        }
    }

    private static List<AvroName> Aliases(JsonElement element, string? space, string path)
    {
        var names = StringArray(element, "aliases", path);
        var result = new List<AvroName>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            if (!AvroName.IsValidFullName(names[i]))
            {
                throw new AvroSchemaException(Join(path, "aliases") + "[" + i.ToString(CultureInfo.InvariantCulture) + "]",
                    $"'{names[i]}' is not a valid name");
            }

            result.Add(new AvroName(names[i], space));
        }

        return result;
    }

    private static List<string> StringArray(JsonElement element, string property, string path, bool required = false)
    {
        if (!element.TryGetProperty(property, out var array))
        {
            return required ? throw new AvroSchemaException(path, $"the \"{property}\" attribute is missing") : [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new AvroSchemaException(Join(path, property), "must be an array of strings, not " + Describe(array));
        }

        var result = new List<string>(array.GetArrayLength());
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new AvroSchemaException(Join(path, property) + "[" + i.ToString(CultureInfo.InvariantCulture) + "]",
                    "must be a string, not " + Describe(item));
            }

            result.Add(item.GetString()!);
            i++;
        }

        return result;
    }

    private static JsonElement Required(JsonElement element, string property, string path) =>
        element.TryGetProperty(property, out var value)
            ? value
            : throw new AvroSchemaException(path, $"the \"{property}\" attribute is missing");

    private static string RequiredString(JsonElement element, string property, string path)
    {
        var value = Required(element, property, path);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new AvroSchemaException(Join(path, property), "must be a string, not " + Describe(value));
    }

    private static string? OptionalString(JsonElement element, string property, string path)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new AvroSchemaException(Join(path, property), "must be a string, not " + Describe(value));
    }

    private static int? OptionalInt(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i)
            ? i
            : null;

    // A valid logical type consumes its own attributes; an ignored one keeps them as plain properties.
    private static Dictionary<string, string>? LogicalProperties(JsonElement element, LogicalType? logical, params string[] known)
    {
        if (logical is null)
        {
            return Properties(element, known);
        }

        string[] consumed = logical.Kind == LogicalTypeKind.Decimal ? ["logicalType", "precision", "scale"] : ["logicalType"];
        return Properties(element, [.. known, .. consumed]);
    }

    private static Dictionary<string, string>? Properties(JsonElement element, params string[] known)
    {
        Dictionary<string, string>? result = null;
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                result ??= new Dictionary<string, string>(StringComparer.Ordinal);
                result[property.Name] = property.Value.GetRawText();
            }
        }

        return result;
    }

    // JsonElement.GetString throws InvalidOperationException for escapes that decode to unpaired surrogates.
    internal static bool IsInvalidUnicode(InvalidOperationException e) => e.InnerException is System.Text.DecoderFallbackException
        || e.Message.Contains("UTF-16", StringComparison.Ordinal) || e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("transcode", StringComparison.OrdinalIgnoreCase);

    internal static string Join(string path, string member) => path.Length == 0 ? member : path + "." + member;

    internal static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "the string " + Truncate(element.GetRawText()),
        JsonValueKind.Number => "the number " + Truncate(element.GetRawText()),
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends its own position ("Path: $ | LineNumber: 1 | BytePositionInLine: 0."): ours is already in the message.
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            var end = message.IndexOf(marker, StringComparison.Ordinal);
            if (end > 0)
            {
                message = message[..end];
            }
        }

        return message.TrimEnd(' ', '|', '.');
    }
}
