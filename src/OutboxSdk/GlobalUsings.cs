// The libraries and the cross-cutting parts (options, telemetry and log ids, identifier quoting) that most files of
// the runtime use. Namespaces of the delivery core and of the sources are imported file by file, so a file's usings
// still show which part of the engine it builds on.
global using System.Buffers;
global using System.Buffers.Binary;
global using System.Globalization;
global using System.Text;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.DependencyInjection.Extensions;
global using Microsoft.Extensions.Hosting;
global using Microsoft.Extensions.Logging;
global using Microsoft.Extensions.Logging.Abstractions;
global using Microsoft.Extensions.Options;
global using Npgsql;
global using NpgsqlTypes;
global using OutboxSdk.Hosting;
global using OutboxSdk.Observability;
global using OutboxSdk.Schema;
