using MediatR;

namespace Shop.Registration;

// Two handlers of one message.
public sealed class AuditHandler(Journal journal, UnitOfWork work) : INotificationHandler<OrderPlaced>
{
    public Task Handle(OrderPlaced notification, CancellationToken cancellationToken)
    {
        journal.Entries.Enqueue($"audit {notification.CustomerId} {work.Id}");
        return Task.CompletedTask;
    }
}

internal sealed class EmailHandler(Journal journal) : INotificationHandler<OrderPlaced>
{
    public Task Handle(OrderPlaced notification, CancellationToken cancellationToken)
    {
        journal.Entries.Enqueue($"email {notification.CustomerId}");
        return Task.CompletedTask;
    }
}

// One handler of two messages.
public sealed class OrderProjection(Journal journal) : INotificationHandler<OrderPlaced>, INotificationHandler<OrderShipped>
{
    public Task Handle(OrderPlaced notification, CancellationToken cancellationToken)
    {
        journal.Entries.Enqueue("projection placed");
        return Task.CompletedTask;
    }

    public Task Handle(OrderShipped notification, CancellationToken cancellationToken)
    {
        journal.Entries.Enqueue($"projection shipped {notification.Warehouse}");
        return Task.CompletedTask;
    }
}

// A nested handler, and an abstract one that is a base, not a handler to register.
public static class Shipping
{
    public sealed class ShippedHandler(Journal journal) : ShippedHandlerBase(journal);
}

public abstract class ShippedHandlerBase(Journal journal) : INotificationHandler<OrderShipped>
{
    public Task Handle(OrderShipped notification, CancellationToken cancellationToken)
    {
        journal.Entries.Enqueue($"{GetType().Name} {notification.Warehouse}");
        return Task.CompletedTask;
    }
}

public sealed class CustomerChangedHandler(Journal journal) : INotificationHandler<EntityChanged<Customer>>
{
    public Task Handle(EntityChanged<Customer> notification, CancellationToken cancellationToken)
    {
        journal.Entries.Enqueue($"customer {notification.Row.Name}");
        return Task.CompletedTask;
    }
}

public sealed class PingHandler(Journal journal) : INotificationHandler<Ping>
{
    public Task Handle(Ping notification, CancellationToken cancellationToken)
    {
        journal.Entries.Enqueue($"ping {notification.Text}");
        return Task.CompletedTask;
    }
}
