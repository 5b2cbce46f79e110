using Npgsql;

namespace AgentOps.Common;

/// <summary>Positional batch commands ($1, $2 …) for the stores that group-commit their writes.</summary>
public static class BatchCommands
{
    /// <summary>A command with one parameter per value; a value that is already an <see cref="NpgsqlParameter"/> (to fix its type) is used as it is.</summary>
    public static NpgsqlBatchCommand Of(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        return command;
    }
}
