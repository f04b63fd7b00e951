// Compiled beside each code block of docs/apache-avro.md (DocSnippetTests): the avrogen class the page publishes,
// written as avrogen writes it, and the variables its fragments use. Never run.
global using static Docs.Context.Introduced;
using Avro;
using Avro.Specific;
using Npgsql;
using OutboxSdk;

namespace Docs.Context
{
#pragma warning disable IDE1006 // named as the fragments' locals are
    public static class Introduced
    {
        public static NpgsqlDataSource dataSource => throw new NotSupportedException();

        public static IOutbox outbox => throw new NotSupportedException();

        public static Shop.Events.OrderPlaced record => throw new NotSupportedException();
    }
}

namespace Shop.Events
{
    public partial class OrderPlaced : ISpecificRecord
    {
        public static Schema _SCHEMA = Schema.Parse(
            "{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":\"Shop.Events\",\"fields\":["
            + "{\"name\":\"OrderId\",\"type\":\"string\"},{\"name\":\"CustomerId\",\"type\":\"string\"},{\"name\":\"Quantity\",\"type\":\"int\"}]}");

        public virtual Schema Schema => _SCHEMA;

        public string OrderId { get; set; } = "";

        public string CustomerId { get; set; } = "";

        public int Quantity { get; set; }

        public virtual object Get(int fieldPos) => fieldPos switch
        {
            0 => OrderId,
            1 => CustomerId,
            2 => Quantity,
            _ => throw new AvroRuntimeException("Bad index " + fieldPos + " in Get()"),
        };

        public virtual void Put(int fieldPos, object fieldValue)
        {
            switch (fieldPos)
            {
                case 0: OrderId = (string)fieldValue; break;
                case 1: CustomerId = (string)fieldValue; break;
                case 2: Quantity = (int)fieldValue; break;
                default: throw new AvroRuntimeException("Bad index " + fieldPos + " in Put()");
            }
        }
    }
}
