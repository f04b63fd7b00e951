using MediatR;
using Microsoft.Extensions.DependencyInjection;
using OutboxSdk;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Generated;
using OutboxSdk.Registration;
using OutboxSdk.TestSupport;
using Shop.Registration;

namespace OutboxSdk.Registration.Tests;

/// <summary>The registration the generator emitted for this assembly, used the way an application uses it.</summary>
public sealed class RegistrationTests
{
    private static ServiceProvider Build(Action<IServiceCollection>? before = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<Journal>();
        services.AddScoped<UnitOfWork>();
        before?.Invoke(services);
        services.AddOutboxSdkRegistrationTestsOutboxTypes();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    [Fact]
    public async Task Dispatching_a_message_runs_every_handler_of_it_in_the_scope()
    {
        await using var provider = Build();
        await using var scope = provider.CreateAsyncScope();
        await Dispatch.PublishAsync(scope.ServiceProvider, new OrderPlaced(Guid.NewGuid(), "c-7"));

        var work = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var entries = provider.GetRequiredService<Journal>().Entries.Order(StringComparer.Ordinal).ToList();
        Assert.Equal([$"audit c-7 {work.Id}", "email c-7", "projection placed"], entries);
    }

    [Fact]
    public async Task A_handler_of_two_messages_a_nested_handler_and_entity_and_plain_handlers_all_run()
    {
        await using var provider = Build();
        await using var scope = provider.CreateAsyncScope();
        await Dispatch.PublishAsync(scope.ServiceProvider, new OrderShipped(Guid.NewGuid(), 12, DateTimeOffset.UnixEpoch));
        await Dispatch.PublishAsync(scope.ServiceProvider, new EntityChanged<Customer>(new Customer(Guid.NewGuid(), "Ada")));
        await Dispatch.PublishAsync(scope.ServiceProvider, new Ping("hi"));

        var entries = provider.GetRequiredService<Journal>().Entries.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["ShippedHandler 12", "customer Ada", "ping hi", "projection shipped 12"], entries);
    }

    [Fact]
    public async Task Registering_twice_does_not_run_a_handler_twice()
    {
        await using var provider = Build(services => services.AddOutboxSdkRegistrationTestsOutboxTypes());
        await using var scope = provider.CreateAsyncScope();
        await Dispatch.PublishAsync(scope.ServiceProvider, new Ping("once"));

        Assert.Equal(["ping once"], provider.GetRequiredService<Journal>().Entries);
        Assert.Single(provider.GetServices<IOutboxGeneratedRegistration>());
    }

    [Fact]
    public void The_registry_lists_exactly_the_annotated_types_and_the_handlers()
    {
        using var provider = Build();
        var registry = provider.GetRequiredService<OutboxTypeRegistry>();

        Assert.Equal(["OutboxSdk.Generators.Tests"], registry.Assemblies);
        Assert.Equal(["shop.order-placed", "shop.order-shipped"], registry.Messages.Select(m => m.Subject).Order(StringComparer.Ordinal));
        var entity = Assert.Single(registry.Entities);
        Assert.Equal((typeof(Customer), "shop.customers", ReplicaIdentity.Default), (entity.ClrType, entity.Table, entity.ReplicaIdentity));
        Assert.Equal(AvroSerializer.FingerprintOf<Customer>(), entity.Fingerprint);

        var expected = new[]
        {
            new NotificationHandlerType(typeof(AuditHandler), typeof(OrderPlaced)),
            new NotificationHandlerType(typeof(CustomerChangedHandler), typeof(EntityChanged<Customer>)),
            new NotificationHandlerType(Type.GetType("Shop.Registration.EmailHandler, OutboxSdk.Generators.Tests", throwOnError: true)!, typeof(OrderPlaced)),
            new NotificationHandlerType(typeof(OrderProjection), typeof(OrderPlaced)),
            new NotificationHandlerType(typeof(OrderProjection), typeof(OrderShipped)),
            new NotificationHandlerType(typeof(PingHandler), typeof(Ping)),
            new NotificationHandlerType(typeof(Shipping.ShippedHandler), typeof(OrderShipped)),
        };
        Assert.Equal(expected.OrderBy(h => h.ToString(), StringComparer.Ordinal), registry.Handlers.OrderBy(h => h.ToString(), StringComparer.Ordinal));
        Assert.DoesNotContain(registry.Handlers, h => h.HandlerType == typeof(ShippedHandlerBase));
        Assert.DoesNotContain(registry.Handlers, h => h.HandlerType.IsGenericTypeDefinition);
    }

    [Fact]
    public void A_message_type_carries_its_contract_partition_key_and_codec()
    {
        using var provider = Build();
        var registry = provider.GetRequiredService<OutboxTypeRegistry>();
        var placed = registry.FindMessage("shop.order-placed")!;
        var shipped = registry.FindMessage(typeof(OrderShipped))!;

        Assert.Equal(typeof(OrderPlaced), placed.ClrType);
        Assert.Equal((AvroSerializer.SchemaOf<OrderPlaced>(), AvroSerializer.FingerprintOf<OrderPlaced>()), (placed.SchemaJson, placed.Fingerprint));
        Assert.Equal(("CustomerId", "c-9"), (placed.PartitionKeyMember, placed.PartitionKeyOf(new OrderPlaced(Guid.Empty, "c-9"))));
        Assert.Equal(("Warehouse", "-1200"), (shipped.PartitionKeyMember, shipped.PartitionKeyOf(new OrderShipped(Guid.Empty, -1200, default))));

        var message = new OrderShipped(Guid.NewGuid(), 3, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var bytes = shipped.Serialize(message);
        Assert.Equal(AvroSerializer.Serialize(message), bytes);
        Assert.Equal(message, shipped.Deserialize(bytes));
        Assert.Null(registry.FindMessage("shop.unknown"));
        Assert.Null(registry.FindMessage(typeof(Ping)));
    }

    [Fact]
    public async Task No_mediator_is_registered_and_the_applications_own_MediatR_runs_each_handler_once()
    {
        await using (var plain = Build())
        {
            Assert.Null(plain.GetService<IMediator>()); // the relay needs none; an application adds its own
        }

        // An application that also publishes in-process registers MediatR 12 as usual: the handlers both
        // registrations add are one registration each, so IMediator.Publish runs each handler once.
        await using var provider = Build(services => services.AddMediatR(c => c.RegisterServicesFromAssemblyContaining<RegistrationTests>()));
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMediator>().Publish(new Ping("in-process"));
        Assert.Equal(["ping in-process"], provider.GetRequiredService<Journal>().Entries);
    }

    [Fact]
    public void Registrations_of_several_assemblies_combine_into_one_registry()
    {
        var services = new ServiceCollection();
        services.AddOutboxSdkRegistrationTestsOutboxTypes();
        services.AddOutboxTypes(new OtherAssemblyRegistration("billing.invoice-sent"));
        using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<OutboxTypeRegistry>();

        Assert.Equal(["OutboxSdk.Generators.Tests", "Billing"], registry.Assemblies);
        Assert.Equal(["billing.invoice-sent", "shop.order-placed", "shop.order-shipped"], registry.Messages.Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.Equal(typeof(Invoice), registry.FindMessage("billing.invoice-sent")!.ClrType);
        Assert.Null(registry.FindMessage("billing.invoice-sent")!.PartitionKeyOf(new Invoice(1)));
    }

    [Fact]
    public void A_subject_used_by_two_assemblies_for_two_types_fails_when_the_registry_is_built()
    {
        var services = new ServiceCollection();
        services.AddOutboxSdkRegistrationTestsOutboxTypes();
        services.AddOutboxTypes(new OtherAssemblyRegistration("shop.order-placed"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(provider.GetRequiredService<OutboxTypeRegistry>);
        Assert.Contains("'shop.order-placed'", error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Invoice).FullName!, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Stands in for another assembly's generated registration.</summary>
    private sealed class OtherAssemblyRegistration(string subject) : IOutboxGeneratedRegistration
    {
        public string AssemblyName => "Billing";

        public IReadOnlyList<OutboxMessageType> Messages { get; } = [OutboxMessageType.Create<Invoice>(subject)];

        public IReadOnlyList<ChangeFeedEntityType> Entities => [];

        public IReadOnlyList<NotificationHandlerType> Handlers => [];

        public IReadOnlyList<NotificationDispatch> Dispatches => [];
    }
}

/// <summary>A message of the stand-in "Billing" assembly: not annotated here, so this assembly's generator ignores it.</summary>
public sealed record Invoice(int Number) : IAvroSerializable<Invoice>
{
    static string IAvroSerializable<Invoice>.AvroSchemaJson => "{\"type\":\"record\",\"name\":\"Invoice\",\"fields\":[{\"name\":\"Number\",\"type\":\"int\"}]}";

    static string IAvroSerializable<Invoice>.AvroCanonicalForm => "{\"name\":\"Invoice\",\"type\":\"record\",\"fields\":[{\"name\":\"Number\",\"type\":\"int\"}]}";

    static long IAvroSerializable<Invoice>.AvroFingerprint => 42;

    static void IAvroSerializable<Invoice>.WriteAvro(Invoice value, Avro.IO.AvroBinaryWriter writer) => writer.WriteInt(value.Number);

    static Invoice IAvroSerializable<Invoice>.ReadAvro(ref Avro.IO.AvroBinaryReader reader) => new(reader.ReadInt());
}
