global using System.Data.Common;
global using Microsoft.EntityFrameworkCore;
global using Microsoft.EntityFrameworkCore.Storage;
global using Npgsql;
global using OutboxSdk.Avro.Serialization;
