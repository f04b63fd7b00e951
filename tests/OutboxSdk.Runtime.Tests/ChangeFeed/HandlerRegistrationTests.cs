using ChangeFeedTests.Shop;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using OutboxSdk.Generated;
using OutboxSdk.Registration;
using OutboxSdk.TestSupport;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>Handlers of Change&lt;T&gt; and Truncated&lt;T&gt;, found by the generated registration at compile time.</summary>
public sealed class HandlerRegistrationTests
{
    [Fact]
    public async Task Change_and_truncate_handlers_are_registered_resolved_and_called_through_the_generated_dispatch()
    {
        var registration = AreaRegistrations.ChangeFeed;
        Assert.Contains(new NotificationHandlerType(typeof(CardChanges), typeof(Change<Card>)), registration.Handlers);
        Assert.Contains(new NotificationHandlerType(typeof(CardChanges), typeof(Truncated<Card>)), registration.Handlers);

        var services = new ServiceCollection().AddSingleton<CardLog>().AddOutboxSdkChangeFeedTestsOutboxTypes();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var dispatch = scope.ServiceProvider.GetRequiredService<OutboxTypeRegistry>().FindDispatch(typeof(Change<Card>))!;
        Assert.IsType<CardChanges>(Assert.Single(dispatch.Resolve(scope.ServiceProvider)));

        var source = new ChangeSource { Schema = "app", Table = "cards" };
        await Dispatch.PublishAsync(scope.ServiceProvider, new Change<Card>(ChangeOperation.Insert, null, BeforeImage.None, new ChangeKey(["Id"], ["id"], [7L]), new Card(7, "Ada", null, 1), source));
        await Dispatch.PublishAsync(scope.ServiceProvider, new Truncated<Card>(source, cascade: false, restartIdentity: true));

        Assert.Equal(["Insert 7", "Truncate"], provider.GetRequiredService<CardLog>().Lines);
    }

    [Fact]
    public void A_change_that_contradicts_itself_is_refused()
    {
        var key = new ChangeKey(["Id"], ["id"], [7L]);
        var source = new ChangeSource { Schema = "app", Table = "cards" };

        Assert.Throws<ArgumentException>(() => new Change<Card>(ChangeOperation.Delete, null, BeforeImage.Key, key, new Card(7, "Ada", null, 1), source));
        Assert.Throws<ArgumentException>(() => new Change<Card>(ChangeOperation.Update, null, BeforeImage.Full, key, new Card(7, "Ada", null, 1), source));
        Assert.Throws<ArgumentException>(() => new Change<Card>(ChangeOperation.Insert, null, BeforeImage.None, key, null, source));
        Assert.Throws<ArgumentException>(() => new ChangeKey(["Id"], ["id", "x"], [7L]));
        Assert.Throws<KeyNotFoundException>(() => key["Nope"]);
    }
}

public sealed class CardLog
{
    public List<string> Lines { get; } = [];
}

public sealed class CardChanges(CardLog log) : INotificationHandler<Change<Card>>, INotificationHandler<Truncated<Card>>
{
    public Task Handle(Change<Card> notification, CancellationToken cancellationToken)
    {
        log.Lines.Add(notification.Operation + " " + notification.Key["Id"]);
        return Task.CompletedTask;
    }

    public Task Handle(Truncated<Card> notification, CancellationToken cancellationToken)
    {
        log.Lines.Add("Truncate");
        return Task.CompletedTask;
    }
}
