namespace OutboxSdk.Internal;

/// <summary>One statement on a connection, with positional parameters ($1, $2, …): the helper every part that runs ad-hoc SQL uses.</summary>
internal static class PgCommand
{
    /// <returns>The number of rows the statement affected.</returns>
    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, string text, CancellationToken cancellationToken, params object[] parameters)
    {
        var command = Create(connection, text, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, string text, CancellationToken cancellationToken, params object[] parameters)
    {
        var command = Create(connection, text, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static NpgsqlCommand Create(NpgsqlConnection connection, string text, object[] parameters)
    {
        var command = new NpgsqlCommand(text, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
