using System.Diagnostics;
using System.Text.Json;

namespace OutboxSdk.Outbox;

/// <summary>The keys of the <c>headers</c> jsonb column of an outbox row.</summary>
public static class OutboxHeaders
{
    /// <summary>The message id (a UUID), repeated from the row so the headers travel alone.</summary>
    public const string MessageId = "message_id";

    /// <summary>The publisher's W3C trace context (<c>traceparent</c>), when an activity was current.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>The publisher's W3C <c>tracestate</c>, when it had one.</summary>
    public const string TraceState = "tracestate";

    /// <summary>The headers of a message published now: its id and the current W3C activity's trace context.</summary>
    internal static string Create(Guid messageId)
    {
        var buffer = new ArrayBufferWriter<byte>(192);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(MessageId, messageId);
            // Only W3C ids are a traceparent; a hierarchical id would mean nothing to the relay's span.
            if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
            {
                json.WriteString(TraceParent, activity.Id);
                if (!string.IsNullOrEmpty(activity.TraceStateString))
                {
                    json.WriteString(TraceState, activity.TraceStateString);
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
