using Microsoft.CodeAnalysis;

namespace OutboxSdk.Registration.Tests;

/// <summary>What the generator emits and reports for handlers, run over small sources.</summary>
public sealed class GeneratedRegistrationTests
{
    private const string Messages = """
        using System;
        using MediatR;
        using OutboxSdk;

        namespace Shop;

        [OutboxMessage("shop.placed")]
        public partial record Placed(Guid Id, [property: PartitionKey] Guid? Order) : INotification;

        [OutboxMessage("shop.paid")]
        public partial record Paid(Guid Id, [property: PartitionKey] bool Flag) : INotification;

        [OutboxMessage("shop.due")]
        public partial record Due([property: PartitionKey] DateOnly Day) : INotification;

        [ChangeFeed("shop.customers")]
        public partial record Customer([property: Key] Guid Id, string Name);

        public sealed record Changed<T>(T Row) : INotification;

        public sealed record Ping : INotification;
        """;

    private static GeneratorRun Run(string handlers, string assemblyName = "Shop.Orders")
    {
        var run = GeneratorHarness.Run(Messages + "\n" + handlers, assemblyName);
        Assert.Empty(run.CompileErrors);
        return run;
    }

    private static string Handler(string declaration, params string[] notifications) =>
        declaration + " : " + string.Join(", ", notifications.Select(n => "INotificationHandler<" + n + ">")) + "\n{\n"
        + string.Concat(notifications.Select(n => "    public System.Threading.Tasks.Task Handle(" + n + " n, System.Threading.CancellationToken c) => System.Threading.Tasks.Task.CompletedTask;\n"))
        + "}\n";

    [Fact]
    public void A_message_needs_no_INotification_of_its_own_and_its_handlers_get_a_dispatch_compiled_here()
    {
        // The generated part adds MediatR's INotification (MediatR.Contracts comes with the OutboxSdk package), so a
        // handler of a plain [OutboxMessage] record compiles; the dispatch that calls it is compiled in this assembly.
        var run = GeneratorHarness.Run("""
            using System;
            using MediatR;
            using OutboxSdk;
            namespace Plain;
            [OutboxMessage("plain.created")]
            public partial record Created(Guid Id);
            public sealed class OnCreated : INotificationHandler<Created>
            {
                public System.Threading.Tasks.Task Handle(Created n, System.Threading.CancellationToken c) => System.Threading.Tasks.Task.CompletedTask;
            }
            """);

        Assert.Empty(run.CompileErrors);
        Assert.Equal(["Plain.OnCreated → Plain.Created"], run.RegisteredHandlers);
        Assert.Contains("global::OutboxSdk.Registration.NotificationDispatch.Create<global::Plain.Created>(", run.Registration, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_MediatR_the_registration_lists_the_types_and_registers_no_handler()
    {
        // A publisher-only project: DI and the runtime, no MediatR (not even its contracts).
        var references = GeneratorHarness.All.Where(r => !(r.Display ?? "").Contains("MediatR", StringComparison.Ordinal));
        var run = GeneratorHarness.Run("""
            using System;
            using OutboxSdk;
            namespace Publisher;
            [OutboxMessage("publisher.sent")]
            public partial record Sent(Guid Id);
            """, "Publisher", references);

        Assert.Empty(run.CompileErrors);
        Assert.Contains("OutboxMessageType.Create<global::Publisher.Sent>(\"publisher.sent\")", run.Registration, StringComparison.Ordinal);
        Assert.DoesNotContain("MediatR", run.Registration, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_handlers_of_one_message_are_both_registered()
    {
        var run = Run(Handler("public sealed class Audit", "Placed") + Handler("internal sealed class Mail", "Placed"));

        Assert.Equal(["Shop.Audit → Shop.Placed", "Shop.Mail → Shop.Placed"], run.RegisteredHandlers);
        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public void One_handler_of_two_messages_is_registered_once_per_message()
    {
        var run = Run(Handler("public sealed class Projection", "Placed", "Paid"));

        Assert.Equal(["Shop.Projection → Shop.Paid", "Shop.Projection → Shop.Placed"], run.RegisteredHandlers);
        Assert.Contains("new global::OutboxSdk.Registration.NotificationHandlerType(typeof(global::Shop.Projection), typeof(global::Shop.Paid))", run.Registration, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_handler_is_registered_by_its_full_name()
    {
        var run = Run("public static partial class Outer\n{\n" + Handler("internal sealed class Inner", "Placed") + "}\n"
            + "public static partial class Outer { }\n");

        Assert.Equal(["Shop.Outer.Inner → Shop.Placed"], run.RegisteredHandlers);
        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public void An_abstract_handler_is_ignored_and_its_concrete_subclass_registered()
    {
        var run = Run(Handler("public abstract class Base", "Paid") + "public sealed class Concrete : Base { }\n");

        Assert.Equal(["Shop.Concrete → Shop.Paid"], run.RegisteredHandlers);
        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public void A_partial_handler_declared_in_two_parts_is_registered_once()
    {
        var run = Run(Handler("public sealed partial class Split", "Placed") + "public sealed partial class Split : System.IDisposable { public void Dispose() { } }\n");

        Assert.Equal(["Shop.Split → Shop.Placed"], run.RegisteredHandlers);
    }

    [Fact]
    public void An_open_generic_handler_is_reported_and_not_registered()
    {
        var run = Run("""
            public sealed class LogAll<T> : INotificationHandler<T> where T : INotification
            {
                public System.Threading.Tasks.Task Handle(T n, System.Threading.CancellationToken c) => System.Threading.Tasks.Task.CompletedTask;
            }

            public sealed class Outer<T>
            {
            """ + Handler("public sealed class Inner", "Paid") + "}\n");

        Assert.Empty(run.RegisteredHandlers);
        Assert.NotNull(run.Registration);
        Assert.Equal(["OBX1031 Warning LogAll 'Shop.LogAll<T>'", "OBX1031 Warning Inner 'Shop.Outer<T>.Inner'"], Describe(run));
        // In the source tree, not merely at a path: the compiler honours #pragma only for locations in a tree.
        Assert.All(run.Diagnostics, d => Assert.True(d.Location.IsInSource));
    }

    [Fact]
    public void A_private_nested_handler_is_reported_and_not_registered()
    {
        var run = Run("public sealed class Outer\n{\n" + Handler("private sealed class Hidden", "Placed") + "}\n");

        Assert.Empty(run.RegisteredHandlers);
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("OBX1032", diagnostic.Id);
        Assert.Contains("'Shop.Outer.Hidden' is private", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_handler_of_a_type_the_outbox_never_delivers_is_registered_with_an_info()
    {
        var run = Run(Handler("public sealed class Pong", "Ping") + Handler("public sealed class Rows", "Changed<Customer>"));

        Assert.Equal(["Shop.Pong → Shop.Ping", "Shop.Rows → Shop.Changed<Shop.Customer>"], run.RegisteredHandlers);
        Assert.Equal(["OBX1030 Info Pong 'Shop.Pong'"], Describe(run));
        Assert.Contains("handles 'Shop.Ping', which is neither", run.Diagnostics[0].GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_handler_of_an_Apache_Avro_record_is_a_type_the_outbox_delivers()
    {
        // OutboxSdk.ApacheAvro's wrapper, declared here as the optional package declares it.
        var run = GeneratorHarness.Run("""
            namespace OutboxSdk.ApacheAvro
            {
                public sealed class AvroRecord<T> : MediatR.INotification { }
            }

            namespace Shop
            {
                public sealed class Invoice { }

                public sealed class Billing : MediatR.INotificationHandler<OutboxSdk.ApacheAvro.AvroRecord<Invoice>>
                {
                    public System.Threading.Tasks.Task Handle(OutboxSdk.ApacheAvro.AvroRecord<Invoice> n, System.Threading.CancellationToken c) => System.Threading.Tasks.Task.CompletedTask;
                }
            }
            """);

        Assert.Empty(run.CompileErrors);
        Assert.Equal(["Shop.Billing → OutboxSdk.ApacheAvro.AvroRecord<Shop.Invoice>"], run.RegisteredHandlers);
        Assert.Empty(Describe(run));
    }

    [Fact]
    public void Types_and_partition_keys_of_every_kind_are_listed()
    {
        var run = Run("");

        var registration = run.Registration!;
        Assert.Contains("OutboxMessageType.Create<global::Shop.Placed>(\"shop.placed\", \"Order\", static message => message.Order is { } key ? key.ToString() : null)", registration, StringComparison.Ordinal);
        Assert.Contains("OutboxMessageType.Create<global::Shop.Paid>(\"shop.paid\", \"Flag\", static message => (message.Flag ? \"true\" : \"false\"))", registration, StringComparison.Ordinal);
        Assert.Contains("static message => message.Day.ToString(\"O\", global::System.Globalization.CultureInfo.InvariantCulture)", registration, StringComparison.Ordinal);
        Assert.Contains("ChangeFeedEntityType.Create<global::Shop.Customer>(\"shop.customers\", global::OutboxSdk.ReplicaIdentity.Full, global::Shop.Customer.ChangeFeedDescriptor, "
            + "static (row, toast, previous) => global::Shop.Customer.FromRow(row, toast, previous), static row => global::Shop.Customer.KeyFromRow(row))", registration, StringComparison.Ordinal);
    }

    [Fact]
    public void The_class_and_method_are_named_after_the_assembly()
    {
        var run = Run("", assemblyName: "my.orders-api");

        Assert.Contains("public sealed class MyOrdersApiOutboxRegistration : global::OutboxSdk.Registration.IOutboxGeneratedRegistration", run.Registration, StringComparison.Ordinal);
        Assert.Contains(" AddMyOrdersApiOutboxTypes(this ", run.Registration, StringComparison.Ordinal);
        Assert.Contains("AssemblyName => \"my.orders-api\"", run.Registration, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_assemblies_registrations_do_not_clash_and_an_application_calls_both()
    {
        var library = GeneratorHarness.Run("""
            using OutboxSdk;
            namespace Billing;
            [OutboxMessage("billing.invoiced")]
            public partial record Invoiced(int Number);
            """, assemblyName: "Billing");
        Assert.Empty(library.CompileErrors);
        using var image = new MemoryStream();
        Assert.True(library.Output.Emit(image).Success);

        var application = GeneratorHarness.Run("""
            using Microsoft.Extensions.DependencyInjection;
            using OutboxSdk;
            using OutboxSdk.Generated;
            namespace Shop;
            [OutboxMessage("shop.placed")]
            public partial record Placed(int Number);
            public static class Startup
            {
                public static IServiceCollection Configure(IServiceCollection services) =>
                    services.AddBillingOutboxTypes().AddShopOutboxTypes();
            }
            """, assemblyName: "Shop", references: [.. GeneratorHarness.All, MetadataReference.CreateFromImage(image.ToArray())]);

        Assert.Empty(application.CompileErrors);
        Assert.Empty(application.Diagnostics);
    }

    [Fact]
    public void Without_DI_MediatR_and_the_runtime_nothing_is_registered()
    {
        const string source = """
            using OutboxSdk;
            namespace Shop;
            [OutboxMessage("shop.placed")]
            public partial record Placed(int Number);
            """;
        var serializationOnly = GeneratorHarness.Run(source, references: GeneratorHarness.Serialization);
        Assert.Empty(serializationOnly.CompileErrors);
        Assert.Null(serializationOnly.Registration);
        Assert.NotEmpty(serializationOnly.Result.Results.Single().GeneratedSources);

        var withoutRuntime = GeneratorHarness.Run(source, references: GeneratorHarness.All.Where(r => !r.Display!.EndsWith("OutboxSdk.dll", StringComparison.Ordinal)));
        Assert.Empty(withoutRuntime.CompileErrors);
        Assert.Null(withoutRuntime.Registration);
    }

    /// <summary>Id, severity, the text the diagnostic points at, and its message up to the first quoted name.</summary>
    private static IEnumerable<string> Describe(GeneratorRun run) => run.Diagnostics.Select(d =>
    {
        // Generator diagnostics carry a file path and span rather than a syntax tree.
        var path = d.Location.GetLineSpan().Path;
        var text = run.Output.SyntaxTrees.Single(t => t.FilePath == path).GetText().ToString(d.Location.SourceSpan);
        var message = d.GetMessage();
        return $"{d.Id} {d.Severity} {text} {message[..(message.IndexOf('\'', 1) + 1)]}";
    });
}
