using Microsoft.Extensions.DependencyInjection;
using Stowage.Metering;

namespace Stowage.Storage.Sqlite;

public static class SqliteUsageExtensions
{
    /// <summary>Registers <see cref="IUsageRepository"/> on the SQLite database of <see cref="SqliteStorageExtensions.AddSqliteStorage"/>.</summary>
    public static IServiceCollection AddSqliteUsageStorage(this IServiceCollection services) =>
        services.AddSingleton<IUsageRepository, SqliteUsageRepository>();
}
