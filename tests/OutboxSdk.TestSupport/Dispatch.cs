using Microsoft.Extensions.DependencyInjection;
using OutboxSdk.Registration;

namespace OutboxSdk.TestSupport;

/// <summary>Calls a notification's handlers the way the relay does: through the generated dispatch the registry holds.</summary>
public static class Dispatch
{
    /// <summary>Runs every handler of <paramref name="notification"/> registered in <paramref name="scope"/>, one after another.</summary>
    public static async Task PublishAsync(IServiceProvider scope, object notification)
    {
        var dispatch = scope.GetRequiredService<OutboxTypeRegistry>().FindDispatch(notification.GetType())
            ?? throw new InvalidOperationException($"no generated dispatch for {notification.GetType()}: no assembly of the test registers a handler of it");
        foreach (var handler in dispatch.Resolve(scope))
        {
            await dispatch.Handle(handler, notification, CancellationToken.None);
        }
    }
}
