using Microsoft.Extensions.Logging;

namespace OutboxSdk.FaultTests.Node;

/// <summary>
/// Warnings and errors to stderr, one line each with a timestamp, so the suite's per-process log shows what the
/// relay went through (the console logging package is not among the build's packages).
/// </summary>
public sealed class StderrLoggerProvider(LogLevel minimum) : ILoggerProvider
{
    private static readonly Lock Gate = new();

    public ILogger CreateLogger(string categoryName) => new StderrLogger(categoryName, minimum);

    public void Dispose()
    {
    }

    private sealed class StderrLogger(string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}[{eventId.Id}] {formatter(state, exception)}"
                + (exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message.ReplaceLineEndings(" "))
                // A bug of ours, not a fault the suite injected: where it happened.
                + (exception is NullReferenceException or IndexOutOfRangeException or ArgumentException or ObjectDisposedException ? Environment.NewLine + exception.StackTrace : "");
            lock (Gate)
            {
                Console.Error.WriteLine(line);
            }
        }
    }
}
