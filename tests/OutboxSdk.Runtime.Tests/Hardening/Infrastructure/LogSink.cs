using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hardening.Tests.Infrastructure;

/// <summary>Keeps every log line, with its exception, so a test can search them for what must not be there.</summary>
internal sealed class LogSink : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public string All => string.Join("\n", Lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The structured values as well as the text: a secret in a field that the template does not print still leaks.
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => p.Key + "=" + p.Value)) : "";
            sink.Lines.Enqueue($"{logLevel} {category} {formatter(state, exception)} {fields} {exception}");
        }
    }
}
