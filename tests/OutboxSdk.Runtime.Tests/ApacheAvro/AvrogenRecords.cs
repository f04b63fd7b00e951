// An avrogen-style class, written as `avrogen -s order-placed.avsc .` writes it (Apache.Avro 1.12): the shape the
// optional package takes from teams that already have ISpecificRecord types.
#nullable disable
#pragma warning disable CA1002, CA1024, CA1051, CA1062, CA1065, CA1211, CA2211, CA2227, IDE0011, IDE0161, IDE1006

namespace ApacheAvro.Tests.Shop
{
    public partial class OrderPlaced : global::Avro.Specific.ISpecificRecord
    {
        public static global::Avro.Schema _SCHEMA = global::Avro.Schema.Parse(
            "{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":\"ApacheAvro.Tests.Shop\",\"doc\":\"An order was placed.\",\"fields\":["
            + "{\"name\":\"OrderId\",\"type\":\"string\"},"
            + "{\"name\":\"Customer\",\"type\":\"string\",\"doc\":\"The partition key.\"},"
            + "{\"name\":\"Quantity\",\"type\":\"int\"},"
            + "{\"name\":\"Total\",\"type\":\"double\"},"
            + "{\"name\":\"Note\",\"type\":[\"null\",\"string\"],\"default\":null},"
            + "{\"name\":\"Tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}]}");
        private string _OrderId;
        private string _Customer;
        private int _Quantity;
        private double _Total;
        private string _Note;
        private System.Collections.Generic.IList<System.String> _Tags;

        public virtual global::Avro.Schema Schema { get { return OrderPlaced._SCHEMA; } }
        public string OrderId { get { return this._OrderId; } set { this._OrderId = value; } }
        public string Customer { get { return this._Customer; } set { this._Customer = value; } }
        public int Quantity { get { return this._Quantity; } set { this._Quantity = value; } }
        public double Total { get { return this._Total; } set { this._Total = value; } }
        public string Note { get { return this._Note; } set { this._Note = value; } }
        public System.Collections.Generic.IList<System.String> Tags { get { return this._Tags; } set { this._Tags = value; } }

        public virtual object Get(int fieldPos)
        {
            switch (fieldPos)
            {
                case 0: return this.OrderId;
                case 1: return this.Customer;
                case 2: return this.Quantity;
                case 3: return this.Total;
                case 4: return this.Note;
                case 5: return this.Tags;
                default: throw new global::Avro.AvroRuntimeException("Bad index " + fieldPos + " in Get()");
            }
        }

        public virtual void Put(int fieldPos, object fieldValue)
        {
            switch (fieldPos)
            {
                case 0: this.OrderId = (System.String)fieldValue; break;
                case 1: this.Customer = (System.String)fieldValue; break;
                case 2: this.Quantity = (System.Int32)fieldValue; break;
                case 3: this.Total = (System.Double)fieldValue; break;
                case 4: this.Note = (System.String)fieldValue; break;
                case 5: this.Tags = (System.Collections.Generic.IList<System.String>)fieldValue; break;
                default: throw new global::Avro.AvroRuntimeException("Bad index " + fieldPos + " in Put()");
            }
        }
    }
}

// The same record as the previous version of the application had it, before `Note` was added (with a default, so
// today's reader fills it in): avrogen output of the older .avsc, same Avro full name, its own C# namespace.
namespace ApacheAvro.Tests.Shop.V1
{
    public partial class OrderPlaced : global::Avro.Specific.ISpecificRecord
    {
        public static global::Avro.Schema _SCHEMA = global::Avro.Schema.Parse(
            "{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":\"ApacheAvro.Tests.Shop\",\"doc\":\"An order was placed.\",\"fields\":["
            + "{\"name\":\"OrderId\",\"type\":\"string\"},"
            + "{\"name\":\"Customer\",\"type\":\"string\",\"doc\":\"The partition key.\"},"
            + "{\"name\":\"Quantity\",\"type\":\"int\"},"
            + "{\"name\":\"Total\",\"type\":\"double\"},"
            + "{\"name\":\"Tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}]}");

        public virtual global::Avro.Schema Schema { get { return OrderPlaced._SCHEMA; } }
        public string OrderId { get; set; }
        public string Customer { get; set; }
        public int Quantity { get; set; }
        public double Total { get; set; }
        public System.Collections.Generic.IList<System.String> Tags { get; set; }

        public virtual object Get(int fieldPos)
        {
            switch (fieldPos)
            {
                case 0: return this.OrderId;
                case 1: return this.Customer;
                case 2: return this.Quantity;
                case 3: return this.Total;
                case 4: return this.Tags;
                default: throw new global::Avro.AvroRuntimeException("Bad index " + fieldPos + " in Get()");
            }
        }

        public virtual void Put(int fieldPos, object fieldValue)
        {
            switch (fieldPos)
            {
                case 0: this.OrderId = (System.String)fieldValue; break;
                case 1: this.Customer = (System.String)fieldValue; break;
                case 2: this.Quantity = (System.Int32)fieldValue; break;
                case 3: this.Total = (System.Double)fieldValue; break;
                case 4: this.Tags = (System.Collections.Generic.IList<System.String>)fieldValue; break;
                default: throw new global::Avro.AvroRuntimeException("Bad index " + fieldPos + " in Put()");
            }
        }
    }
}
