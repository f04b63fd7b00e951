using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using OutboxSdk.Generators.Diagnostics;
using OutboxSdk.Generators.Emitters;
using OutboxSdk.Generators.Internal;
using OutboxSdk.Generators.Model;

namespace OutboxSdk.Generators.Evolution;

/// <summary>A message type's subject and generated schema JSON (null when the type has errors), and where it is declared.</summary>
internal sealed record MessageSchema(string Subject, string? Json, DiagnosticInfo? Location);

/// <summary>
/// Schema evolution at compile time: each [OutboxMessage] type's generated schema is checked against its
/// subject's committed history (<c>schemas/&lt;subject&gt;.v&lt;N&gt;.avsc</c> AdditionalFiles) under the level of
/// the <c>OutboxSchemaCompatibility</c> property, and every message schema is exported as an assembly attribute.
/// History files and the property reach only the final diagnostics step, so editing them re-runs nothing else.
/// </summary>
internal static class EvolutionPipeline
{
    /// <summary>The MSBuild property (made visible with CompilerVisibleProperty) that sets the level.</summary>
    public const string Property = "build_property.OutboxSchemaCompatibility";

    /// <summary>Tracking names of the steps, asserted by the incremental tests.</summary>
    public const string HistoryStep = "SchemaHistory";
    public const string RuleStep = "SchemaCompatibilityRule";
    public const string MessageSchemasStep = "MessageSchemas";

    public static void Register(
        IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<RootSpec> messages,
        IncrementalValueProvider<EquatableArray<RootSpec>> roots)
    {
        context.RegisterSourceOutput(messages.Where(static m => m.CanEmit && m.Root.Subject is not null), SchemaExportEmitter.Emit);

        var history = context.AdditionalTextsProvider
            .Where(static file => SchemaHistoryFile.IsCandidate(file.Path))
            .Select(static (file, ct) => SchemaHistoryFile.Read(file, ct))
            .WithTrackingName(HistoryStep);

        var rule = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue(Property, out var value) ? value : null)
            .WithTrackingName(RuleStep);

        var schemas = roots
            .Select(static (all, ct) => all
                .Where(r => r.Root.Root == RootKind.Message && r.Root.Subject is not null)
                .Select(r => new MessageSchema(r.Root.Subject!, r.CanEmit ? AvroSchemaEmitter.Json(r.Root, AvroSchemaEmitter.Index(r.Types)) : null, r.Location))
                .ToEquatableArray())
            .WithTrackingName(MessageSchemasStep);

        // The compilation is only used to place OBX1040 in the type's own syntax tree, where #pragma applies.
        context.RegisterSourceOutput(schemas.Combine(history.Collect()).Combine(rule).Combine(context.CompilationProvider),
            static (spc, input) => Report(spc, input.Left.Left.Left, input.Left.Left.Right, input.Left.Right, input.Right));
    }

    private static void Report(SourceProductionContext context, EquatableArray<MessageSchema> messages, ImmutableArray<SchemaHistoryFile> files, string? ruleText, Compilation compilation)
    {
        if (!CompatibilityRules.TryParse(ruleText, out var rule))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownCompatibilityLevel, Location.None, ruleText, CompatibilityRules.Accepted));
            return;
        }

        // None switches the feature off: history files are not even read.
        if (rule == CompatibilityRule.None || files.IsEmpty)
        {
            return;
        }

        foreach (var subject in Subjects(context, files))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var owners = messages.Where(m => m.Subject == subject.Key).ToList();
            if (owners.Count == 0)
            {
                var latest = subject.Value[subject.Value.Count - 1];
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.OrphanSchemaHistory, At(latest), latest.DisplayName, subject.Key));
                continue;
            }

            var history = Parse(context, subject.Value);
            foreach (var owner in owners)
            {
                if (history is null || owner.Json is null)
                {
                    continue;
                }

                SchemaNode generated;
                try
                {
                    generated = SchemaNodeParser.Parse(owner.Json);
                }
                catch (SchemaNodeException)
                {
                    continue; // The generator's own output: the serializer tests guard it; nothing the user can fix here.
                }

                foreach (var message in CompatibilityRules.Check(generated, history, rule))
                {
                    var info = DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleSchema, null, subject.Key, message, CompatibilityRules.Name(rule));
                    context.ReportDiagnostic((owner.Location is { } at ? info with { FilePath = at.FilePath, Span = at.Span, LineSpan = at.LineSpan } : info).ToDiagnostic(compilation));
                }
            }
        }
    }

    // Subjects in name order, each with its files by version; misnamed files and duplicate versions are reported.
    private static SortedDictionary<string, List<SchemaHistoryFile>> Subjects(SourceProductionContext context, ImmutableArray<SchemaHistoryFile> files)
    {
        var subjects = new SortedDictionary<string, List<SchemaHistoryFile>>(System.StringComparer.Ordinal);
        foreach (var file in files.OrderBy(f => f.Path, System.StringComparer.Ordinal))
        {
            if (file.Subject is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SchemaFileNotHistory, At(file), file.DisplayName,
                    "its name is not <subject>.v<N>.avsc with N a whole number from 1, without leading zeros"));
                continue;
            }

            if (!subjects.TryGetValue(file.Subject, out var list))
            {
                subjects.Add(file.Subject, list = []);
            }

            if (list.FirstOrDefault(f => f.Version == file.Version) is { } same)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SchemaFileNotHistory, At(file), file.DisplayName,
                    "'" + same.Path + "' is already that version of subject '" + file.Subject + "'"));
                continue;
            }

            list.Add(file);
        }

        foreach (var list in subjects.Values)
        {
            list.Sort((a, b) => a.Version.CompareTo(b.Version));
        }

        return subjects;
    }

    // A subject with an unreadable version is not checked: the error already fails the build, and checking against
    // the versions around it could pass a change that the missing one forbids.
    private static List<HistoryVersion>? Parse(SourceProductionContext context, List<SchemaHistoryFile> files)
    {
        var versions = new List<HistoryVersion>();
        foreach (var file in files)
        {
            try
            {
                versions.Add(new HistoryVersion(file.Version, SchemaNodeParser.Parse(file.Text ?? throw new SchemaNodeException("", "the file could not be read"))));
            }
            catch (SchemaNodeException e)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidSchemaHistory, At(file), file.DisplayName, e.Message));
            }
        }

        return versions.Count == files.Count ? versions : null;
    }

    private static Location At(SchemaHistoryFile file) =>
        Location.Create(file.Path, default, default);
}
