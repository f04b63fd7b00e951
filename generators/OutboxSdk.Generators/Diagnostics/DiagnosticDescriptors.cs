using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace OutboxSdk.Generators.Diagnostics;

/// <summary>Every diagnostic the generator reports. Each id has a page, docs/diagnostics/OBXnnnn.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "OutboxSdk";

    public static readonly DiagnosticDescriptor UnsupportedMemberType = Error("OBX1001", "Unsupported member type",
        "Member '{0}' of '{1}' has type '{2}', which has no Avro mapping: {3}");

    public static readonly DiagnosticDescriptor TypeNotPartial = Error("OBX1002", "Annotated type must be partial",
        "'{0}' is marked [{1}] but is not partial (nor are all the types it is nested in): declare it 'partial' so the generator can add its serializer");

    public static readonly DiagnosticDescriptor DuplicateSubject = Error("OBX1003", "Duplicate subject",
        "The subject '{0}' of '{1}' is already used by '{2}': each message type needs its own subject");

    public static readonly DiagnosticDescriptor InvalidAvroName = Error("OBX1004", "Invalid Avro name",
        "'{0}' (from {1}) is not a valid Avro name: {2}");

    public static readonly DiagnosticDescriptor DecimalWithoutPrecision = Warning("OBX1005", "Decimal without precision",
        "Member '{0}' of '{1}' is a decimal without [AvroDecimal(precision, scale)]: it is mapped as decimal({2}, {3}); state the precision and scale the data needs");

    public static readonly DiagnosticDescriptor ConflictingAttributes = Error("OBX1006", "Conflicting attributes",
        "'{0}' has conflicting attributes: {1}");

    public static readonly DiagnosticDescriptor PartitionKeyNotScalar = Error("OBX1007", "Partition key must be a scalar",
        "[PartitionKey] member '{0}' of '{1}' has type '{2}': a partition key must be a string, number, Guid, date or enum");

    public static readonly DiagnosticDescriptor MultiplePartitionKeys = Error("OBX1008", "More than one partition key",
        "'{0}' has more than one [PartitionKey] member ({1}): mark exactly one");

    public static readonly DiagnosticDescriptor ChangeFeedWithoutKey = Error("OBX1009", "Change-feed entity without a key",
        "[ChangeFeed] entity '{0}' has no [Key] member: mark the primary key column(s) with [Key]");

    public static readonly DiagnosticDescriptor InvalidDefault = Error("OBX1010", "Invalid default value",
        "The [AvroDefault] of '{0}' is {1}: {2}");

    public static readonly DiagnosticDescriptor NoConstructor = Error("OBX1011", "Type cannot be constructed",
        "'{0}' has no public constructor the generated deserializer can call: add a parameterless constructor or one whose parameters are named after its members");

    public static readonly DiagnosticDescriptor GenericTypeNotSupported = Error("OBX1012", "Generic type not supported",
        "'{0}' is generic: an Avro schema needs a concrete type; declare a non-generic type");

    public static readonly DiagnosticDescriptor InvalidDecimal = Error("OBX1013", "Invalid decimal precision or scale",
        "[AvroDecimal({2}, {3})] on '{0}' of '{1}' is invalid: precision must be 1 to 28 (what System.Decimal holds) and scale 0 to precision");

    public static readonly DiagnosticDescriptor DuplicateAvroName = Error("OBX1014", "Duplicate Avro name",
        "'{0}' and '{1}' both map to the Avro name '{2}': rename one with [AvroName]");

    public static readonly DiagnosticDescriptor MemberNotWritable = Warning("OBX1015", "Member cannot be deserialized",
        "Member '{0}' of '{1}' has no setter and no constructor parameter: it is left out of the schema; add 'init' or mark it [AvroIgnore]");

    public static readonly DiagnosticDescriptor TypeNotAccessible = Error("OBX1016", "Type not accessible to generated code",
        "'{0}' cannot be serialized because '{1}' is {2}: the generated codec lives outside the type and can only name types the assembly can see; make it internal or public");

    public static readonly DiagnosticDescriptor NotAColumn = Error("OBX1020", "Member is not a column type",
        "Member '{0}' of '{1}' has type '{2}', which is not a column type; a [ChangeFeed] entity is a flat row: use scalars or arrays of scalars, or mark the member [AvroIgnore]");

    public static readonly DiagnosticDescriptor DuplicateColumn = Error("OBX1021", "Duplicate column name",
        "Members '{0}' and '{1}' of '{2}' both map to the column '{3}' (the Avro name in snake_case): rename one with [AvroName]");

    public static readonly DiagnosticDescriptor InvalidTableOrColumnName = Error("OBX1022", "Invalid table or column name",
        "'{0}' of '{1}' is not a valid Postgres name: {2}");

    public static readonly DiagnosticDescriptor IncompatibleSchema = Error("OBX1040", "Incompatible schema change",
        "{0}: {1} ({2})");

    public static readonly DiagnosticDescriptor InvalidSchemaHistory = Error("OBX1041", "Invalid schema history file",
        "Schema history file '{0}' is not a valid Avro schema: {1}");

    public static readonly DiagnosticDescriptor OrphanSchemaHistory = Warning("OBX1042", "Schema history without a message type",
        "Schema history '{0}' is for subject '{1}', which no [OutboxMessage] type in this project has: rename the files or the subject, or delete the history");

    public static readonly DiagnosticDescriptor SchemaFileNotHistory = Warning("OBX1043", "Schema file not used as history",
        "'{0}' is not used as schema history: {1}");

    public static readonly DiagnosticDescriptor UnknownCompatibilityLevel = Error("OBX1044", "Unknown schema compatibility level",
        "OutboxSchemaCompatibility is '{0}', which is not a compatibility level: use {1}");

    public static readonly DiagnosticDescriptor HandlerOfNonOutboxType = Info("OBX1030", "Handler of a type the outbox does not deliver",
        "'{0}' handles '{1}', which is neither an [OutboxMessage] nor a [ChangeFeed] type: the handler is registered for in-process publishing, but the outbox never delivers that type to it");

    public static readonly DiagnosticDescriptor OpenGenericHandler = Warning("OBX1031", "Open generic handler not registered",
        "'{0}' is an open generic notification handler: the generated registration names only closed handler types, so it is not registered; register it yourself with services.AddTransient(typeof(INotificationHandler<>), typeof(...)) or derive a closed handler from it");

    public static readonly DiagnosticDescriptor InaccessibleHandler = Warning("OBX1032", "Handler not accessible to the registration",
        "Notification handler '{0}' is {1}, so the generated registration cannot name it and does not register it: make it internal or public");

    public static readonly DiagnosticDescriptor PublishedTypeNotMessage = Error("OBX1050", "Published type is not an outbox message",
        "'{0}' is published through IOutbox but is not an [OutboxMessage]: mark it [OutboxMessage(\"subject\")] and make it partial, so the generator gives it its Avro contract");

    public static readonly DiagnosticDescriptor PublishedChangeFeedEntity = Error("OBX1051", "A change-feed entity is published",
        "'{0}' is a [ChangeFeed] entity: its row changes reach handlers from its table as Change<{0}>, it is never published; write the row in your transaction, or publish an [OutboxMessage] that says what happened");

    private static readonly Dictionary<string, DiagnosticDescriptor> All = typeof(DiagnosticDescriptors)
        .GetFields()
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => All[id];

    public static IEnumerable<DiagnosticDescriptor> Catalogue => All.Values;

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static DiagnosticDescriptor Info(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Info, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

    private static string HelpLink(string id) => "https://github.com/outboxsdk/outboxsdk/blob/main/docs/diagnostics/" + id + ".md";
}
