namespace OutboxSdk.Delivery;

/// <summary>
/// A handler still running after its timeout and a grace period for cancellation. It may still be using the
/// delivery's connection (a command in progress), so nothing else may touch that connection: the relay ends the
/// connection's server session from outside and records the failed attempt on another connection.
/// </summary>
internal sealed class HandlerAbandonedException(string handler, TimeSpan timeout, Task running)
    : TimeoutException($"the handler {handler} did not finish within {timeout}, nor stop when cancelled; its delivery's connection was given up")
{
    /// <summary>The handler's task, which may still be using the connection; the connection is disposed once it ends.</summary>
    public Task Running { get; } = running;
}

/// <summary>
/// Thrown by a delivery after it recorded a failed attempt without the delivery's connection (the handler was
/// abandoned, or the rollback failed): the caller must not reuse that connection, and disposes it once
/// <see cref="Running"/> has ended.
/// </summary>
internal sealed class DeliveryConnectionLostException(Exception cause, Task running)
    : Exception("the delivery's connection cannot be used any more: " + cause.Message, cause)
{
    /// <summary>Work that may still be using the connection.</summary>
    public Task Running { get; } = running;
}
