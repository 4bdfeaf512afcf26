using System.Data;
using System.Data.Common;
using System.Reflection;

namespace Telephony.Cases.Storage;

/// <summary>
/// One statement run for many rows of <typeparamref name="TRow"/> in one command: its parameters (<c>@Property</c> for
/// every property of the row the statement names) are made once, and only their values change from row to row.
/// For the hot batch (the call manager's call records, two or three per call) Dapper's per-row parameters were the
/// largest allocation of the whole server at 1,000 calls a second (issue 10's allocation profile: ~30 new parameters
/// per row, whose unprefixed names Microsoft.Data.Sqlite then looks up as "@", ":" and "$" + name, a new string each).
/// </summary>
internal static class RowBatchCommand<TRow>
{
    private static readonly PropertyInfo[] Properties = typeof(TRow).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    /// <summary>Runs <paramref name="sql"/> once per row, in order; returns the rows affected in all.</summary>
    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<TRow> rows, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        var bound = new List<(DbParameter Parameter, PropertyInfo Property)>(Properties.Length);
        foreach (var property in Properties)
        {
            string name = "@" + property.Name;
            if (!NamesParameter(sql, name))
            {
                continue;
            }
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = DbTypeOf(property.PropertyType); // a null value still has its column's type (PostgreSQL)
            command.Parameters.Add(parameter);
            bound.Add((parameter, property));
        }
        int affected = 0;
        foreach (var row in rows)
        {
            foreach (var (parameter, property) in bound)
            {
                parameter.Value = property.GetValue(row) ?? DBNull.Value;
            }
            affected += await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return affected;
    }

    // "@Caller" must not match inside "@CallerPacketsLost": the name ends where an identifier character does not follow.
    private static bool NamesParameter(string sql, string name)
    {
        for (int at = sql.IndexOf(name, StringComparison.Ordinal); at >= 0; at = sql.IndexOf(name, at + 1, StringComparison.Ordinal))
        {
            int end = at + name.Length;
            if (end == sql.Length || !(char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
            {
                return true;
            }
        }
        return false;
    }

    private static DbType DbTypeOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(long) => DbType.Int64,
        var t when t == typeof(int) => DbType.Int32,
        var t when t == typeof(double) => DbType.Double,
        var t when t == typeof(bool) => DbType.Boolean,
        var t when t == typeof(string) => DbType.String,
        var t => throw new NotSupportedException($"{typeof(TRow).Name}: no column type for {t.Name}"),
    };
}
