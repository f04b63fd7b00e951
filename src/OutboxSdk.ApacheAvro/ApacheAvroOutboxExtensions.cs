using Avro.Specific;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.ApacheAvro;
using OutboxSdk.Registration;

namespace OutboxSdk.ApacheAvro
{
    /// <summary>Publishes Apache.Avro records through the outbox.</summary>
    public static class ApacheAvroOutboxExtensions
    {
        /// <summary>Publishes <paramref name="record"/> as an <see cref="AvroRecord{T}"/> in <paramref name="transaction"/>: it is delivered only if the transaction commits.</summary>
        public static Task PublishRecordAsync<T>(this IOutbox outbox, T record, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
            where T : ISpecificRecord, new()
        {
            ArgumentNullException.ThrowIfNull(outbox);
            return outbox.PublishAsync(new AvroRecord<T>(record), transaction, cancellationToken);
        }
    }

    /// <summary>The registration of one Apache.Avro record type: its message type and the dispatch to its handlers.</summary>
    internal sealed class ApacheAvroRegistration<T> : IOutboxGeneratedRegistration
        where T : ISpecificRecord, new()
    {
        public ApacheAvroRegistration(string subject, Func<T, string?>? partitionKey)
        {
            Messages = [OutboxMessageType.Create<AvroRecord<T>>(subject, partitionKey is null ? null : nameof(AvroRecord<T>.Record),
                partitionKey is null ? null : message => partitionKey(message.Record))];
            Dispatches =
            [
                NotificationDispatch.Create<AvroRecord<T>>([],
                    static services => services.GetServices<INotificationHandler<AvroRecord<T>>>().Cast<object>(),
                    static (handler, notification, cancellationToken) => ((INotificationHandler<AvroRecord<T>>)handler).Handle(notification, cancellationToken)),
            ];
        }

        public string AssemblyName => "OutboxSdk.ApacheAvro:" + typeof(T).FullName;

        public IReadOnlyList<OutboxMessageType> Messages { get; }

        public IReadOnlyList<ChangeFeedEntityType> Entities => [];

        public IReadOnlyList<NotificationHandlerType> Handlers => [];

        public IReadOnlyList<NotificationDispatch> Dispatches { get; }
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers Apache.Avro record types with the outbox.</summary>
    public static class ApacheAvroServiceCollectionExtensions
    {
        /// <summary>
        /// Registers <typeparamref name="T"/> (an avrogen <see cref="ISpecificRecord"/>) as the outbox message
        /// <see cref="AvroRecord{T}"/> with <paramref name="subject"/>, and its delivery to the
        /// <c>INotificationHandler&lt;AvroRecord&lt;T&gt;&gt;</c> handlers: those the OutboxSdk generator found in the application
        /// (when its generated <c>Add…OutboxTypes()</c> is called) and those registered in DI (for example by <c>AddMediatR</c>),
        /// each handler class once. Registering the same type again changes nothing.
        /// </summary>
        /// <param name="services">The services.</param>
        /// <param name="subject">The message's subject; unique among the application's messages.</param>
        /// <param name="partitionKey">The record's partition key (messages with one key are delivered in order), or null for none.</param>
        public static IServiceCollection AddApacheAvroMessage<T>(this IServiceCollection services, string subject, Func<T, string?>? partitionKey = null)
            where T : ISpecificRecord, new()
        {
            ArgumentNullException.ThrowIfNull(services);
            ArgumentException.ThrowIfNullOrWhiteSpace(subject);
            return services.AddOutboxTypes(new ApacheAvroRegistration<T>(subject, partitionKey));
        }
    }
}
