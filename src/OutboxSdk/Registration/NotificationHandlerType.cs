namespace OutboxSdk.Registration;

/// <summary>A MediatR notification handler found at compile time, and one notification type it handles.</summary>
/// <param name="HandlerType">The handler class.</param>
/// <param name="NotificationType">The <c>T</c> of the <c>INotificationHandler&lt;T&gt;</c> it implements.</param>
public sealed record NotificationHandlerType(Type HandlerType, Type NotificationType);
