using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using OutboxSdk.Generators.Analyzers;
using OutboxSdk.Registration.Tests;

namespace OutboxSdk.Generators.Tests.Diagnostics;

/// <summary>OBX1050 and OBX1051: misuse of IOutbox reported at the call, with what to do, not as a bare CS0311.</summary>
public sealed class PublishAnalyzerTests
{
    private const string Types = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Npgsql;
        using OutboxSdk;

        namespace Shop;

        [OutboxMessage("shop.placed")]
        public partial record Placed(Guid Id);

        [ChangeFeed("shop.customers")]
        public partial record Customer([property: Key] Guid Id, string Name);

        public sealed record Plain(Guid Id);

        public static class Writer
        {
        """;

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string body)
    {
        var run = GeneratorHarness.Run(Types + body + "\n}\n", references: [.. GeneratorHarness.All, TestSupport.SourceGeneratorHarness.Of(typeof(Npgsql.NpgsqlTransaction))]);
        return await run.Output.WithAnalyzers([new PublishAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }

    [Fact]
    public async Task Publishing_an_outbox_message_is_fine()
    {
        var found = await AnalyzeAsync("""
                public static Task One(IOutbox outbox, NpgsqlTransaction tx) => outbox.PublishAsync(new Placed(Guid.NewGuid()), tx);
                public static Task Many(IOutbox outbox, NpgsqlTransaction tx) => outbox.PublishBatchAsync(new List<Placed>(), tx);
                public static Task Generic<T>(IOutbox outbox, T message, NpgsqlTransaction tx) where T : OutboxSdk.Avro.Serialization.IAvroSerializable<T> => outbox.PublishAsync(message, tx);
            """);

        Assert.Empty(found);
    }

    [Fact]
    public async Task OBX1050_publishing_a_type_that_is_not_an_outbox_message()
    {
        var found = await AnalyzeAsync("""
                public static Task One(IOutbox outbox, NpgsqlTransaction tx) => outbox.PublishAsync(new Plain(Guid.NewGuid()), tx);
                public static Task Many(IOutbox outbox, NpgsqlTransaction tx) => outbox.PublishBatchAsync(new[] { new Plain(Guid.NewGuid()) }, tx);
            """);

        Assert.Equal(2, found.Length);
        Assert.All(found, d =>
        {
            Assert.Equal(("OBX1050", DiagnosticSeverity.Error), (d.Id, d.Severity));
            Assert.Contains("'Shop.Plain' is published through IOutbox but is not an [OutboxMessage]: mark it [OutboxMessage(\"subject\")]", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task OBX1051_publishing_a_change_feed_entity()
    {
        var found = await AnalyzeAsync("""
                public static Task One(IOutbox outbox, NpgsqlTransaction tx) => outbox.PublishAsync(new Customer(Guid.NewGuid(), "Ada"), tx);
            """);

        var diagnostic = Assert.Single(found);
        Assert.Equal(("OBX1051", DiagnosticSeverity.Error), (diagnostic.Id, diagnostic.Severity));
        Assert.Contains("'Shop.Customer' is a [ChangeFeed] entity: its row changes reach handlers from its table as Change<Shop.Customer>", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
